import { Writer } from 'pg-protocol/dist/buffer-writer';
import { PgColumnType } from './pg-types';

/** Backend message codes (PostgreSQL protocol, "Message Formats"). */
const CODE = {
  authentication: 0x52, // R
  backendKeyData: 0x4b, // K
  bindComplete: 0x32, // 2
  closeComplete: 0x33, // 3
  commandComplete: 0x43, // C
  dataRow: 0x44, // D
  emptyQuery: 0x49, // I
  error: 0x45, // E
  negotiateProtocolVersion: 0x76, // v
  noData: 0x6e, // n
  notice: 0x4e, // N
  parameterDescription: 0x74, // t
  parameterStatus: 0x53, // S
  parseComplete: 0x31, // 1
  portalSuspended: 0x73, // s
  readyForQuery: 0x5a, // Z
  rowDescription: 0x54, // T
} as const;

export interface PgField {
  name: string;
  type: PgColumnType;
  format: 0 | 1;
}

export interface PgNotice {
  severity: 'ERROR' | 'FATAL' | 'WARNING' | 'NOTICE';
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

/**
 * Serialises backend messages with pg-protocol's writer (the buffer layout node-postgres uses);
 * the writer adds each message's code and length.
 */
export class BackendMessages {
  private readonly writer = new Writer();

  public authenticationCleartextPassword(): Buffer {
    return this.writer.addInt32(3).flush(CODE.authentication);
  }

  public authenticationOk(): Buffer {
    return this.writer.addInt32(0).flush(CODE.authentication);
  }

  public parameterStatus(name: string, value: string): Buffer {
    return this.writer.addCString(name).addCString(value).flush(CODE.parameterStatus);
  }

  public backendKeyData(processId: number, secret: number): Buffer {
    return this.writer.addInt32(processId).addInt32(secret).flush(CODE.backendKeyData);
  }

  public negotiateProtocolVersion(minor: number, unsupported: string[]): Buffer {
    this.writer.addInt32((3 << 16) | minor).addInt32(unsupported.length);
    for (const option of unsupported) this.writer.addCString(option);
    return this.writer.flush(CODE.negotiateProtocolVersion);
  }

  public readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
    return this.writer.addString(status).flush(CODE.readyForQuery);
  }

  public rowDescription(fields: PgField[]): Buffer {
    this.writer.addInt16(fields.length);
    for (const field of fields) {
      this.writer
        .addCString(field.name)
        .addInt32(0) // table OID
        .addInt16(0) // column attribute number
        .addInt32(field.type.oid)
        .addInt16(field.type.size)
        .addInt32(field.type.modifier)
        .addInt16(field.format);
    }
    return this.writer.flush(CODE.rowDescription);
  }

  public dataRow(values: (Buffer | null)[]): Buffer {
    this.writer.addInt16(values.length);
    for (const value of values) {
      if (value === null) {
        this.writer.addInt32(-1);
      } else {
        this.writer.addInt32(value.length).add(value);
      }
    }
    return this.writer.flush(CODE.dataRow);
  }

  public commandComplete(tag: string): Buffer {
    return this.writer.addCString(tag).flush(CODE.commandComplete);
  }

  public emptyQueryResponse(): Buffer {
    return this.writer.flush(CODE.emptyQuery);
  }

  public parseComplete(): Buffer {
    return this.writer.flush(CODE.parseComplete);
  }

  public bindComplete(): Buffer {
    return this.writer.flush(CODE.bindComplete);
  }

  public closeComplete(): Buffer {
    return this.writer.flush(CODE.closeComplete);
  }

  public noData(): Buffer {
    return this.writer.flush(CODE.noData);
  }

  public portalSuspended(): Buffer {
    return this.writer.flush(CODE.portalSuspended);
  }

  public parameterDescription(oids: number[]): Buffer {
    this.writer.addInt16(oids.length);
    for (const oid of oids) this.writer.addInt32(oid);
    return this.writer.flush(CODE.parameterDescription);
  }

  public error(notice: PgNotice): Buffer {
    return this.fields(notice, CODE.error);
  }

  public notice(notice: PgNotice): Buffer {
    return this.fields(notice, CODE.notice);
  }

  private fields(notice: PgNotice, code: number): Buffer {
    const add = (field: string, value: string | undefined) => {
      if (value !== undefined) this.writer.addString(field).addCString(value);
    };
    add('S', notice.severity);
    add('V', notice.severity);
    add('C', notice.code);
    add('M', notice.message);
    add('D', notice.detail);
    add('H', notice.hint);
    this.writer.addString('\0');
    return this.writer.flush(code);
  }
}
