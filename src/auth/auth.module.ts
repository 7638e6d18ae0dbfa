import { Global, Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthGrpcController } from './auth.grpc.controller';
import { AuthFailureThrottle } from './auth-failure-throttle';
import { AuthService } from './auth.service';
import { AuthnGuard } from './authn.guard';
import { DevTokenWriter } from './dev-token.writer';
import { PrincipalRateLimiter } from './principal-rate-limiter';

@Global()
@Module({
  controllers: [AuthController, AuthGrpcController],
  providers: [AuthService, AuthnGuard, DevTokenWriter, AuthFailureThrottle, PrincipalRateLimiter],
  exports: [AuthService, DevTokenWriter, AuthFailureThrottle, PrincipalRateLimiter],
})
export class AuthModule {}
