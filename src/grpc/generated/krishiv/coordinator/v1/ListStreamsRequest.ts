// Original file: proto/krishiv/coordinator/v1/streams.proto


export interface ListStreamsRequest {
}

export interface ListStreamsRequest__Output {
}
