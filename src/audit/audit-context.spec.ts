import { peerAddress } from './audit-context';

describe('peerAddress', () => {
  it.each([
    ['127.0.0.1:55660', '127.0.0.1'],
    ['ipv4:10.1.2.3:443', '10.1.2.3'],
    ['[::1]:50051', '::1'],
    ['ipv6:[2001:db8::7]:9000', '2001:db8::7'],
    ['unix:/run/krishiv.sock', 'unix:/run/krishiv.sock'],
  ])('%s → %s', (peer, address) => {
    expect(peerAddress(peer)).toBe(address);
  });

  it('is undefined without a peer', () => {
    expect(peerAddress(undefined)).toBeUndefined();
    expect(peerAddress('')).toBeUndefined();
  });
});
