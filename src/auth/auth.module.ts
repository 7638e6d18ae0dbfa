import { Global, Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthGrpcController } from './auth.grpc.controller';
import { AuthService } from './auth.service';
import { AuthnGuard } from './authn.guard';
import { DevTokenWriter } from './dev-token.writer';

@Global()
@Module({
  controllers: [AuthController, AuthGrpcController],
  providers: [AuthService, AuthnGuard, DevTokenWriter],
  exports: [AuthService, DevTokenWriter],
})
export class AuthModule {}
