// Original file: proto/krishiv/coordinator/v1/executors.proto


export interface ListExecutorsRequest {
}

export interface ListExecutorsRequest__Output {
}
