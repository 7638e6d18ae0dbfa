import { ApiProperty } from '@nestjs/swagger';

export class ExecutorDto {
  @ApiProperty({ example: 'executor-1' }) id!: string;
  @ApiProperty({ enum: ['active', 'draining', 'drained', 'lost', 'removed'] }) state!: string;
  @ApiProperty() slots!: number;
  @ApiProperty() runningJobs!: number;
  @ApiProperty({ format: 'date-time' }) lastHeartbeatAt!: string;
  @ApiProperty() host!: string;
}

export class ExecutorListDto {
  @ApiProperty({ type: [ExecutorDto] }) executors!: ExecutorDto[];
}
