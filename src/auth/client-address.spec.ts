import { isLoopbackAddress, peerAddress } from './client-address';

describe('peerAddress', () => {
  it.each([
    ['127.0.0.1:50123', '127.0.0.1'],
    ['ipv4:10.1.2.3:443', '10.1.2.3'],
    ['::1:50123', '::1'],
    ['ipv6:[::1]:50123', '::1'],
    ['[2001:db8::7]:9', '2001:db8::7'],
    ['::ffff:192.0.2.1:8080', '192.0.2.1'],
    ['unix:/tmp/socket', 'unix:/tmp/socket'],
  ])('%s is the client %s', (peer, address) => {
    expect(peerAddress(peer)).toBe(address);
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.9.8.7', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['::2', false],
    ['128.0.0.1', false],
  ])('%s → %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});
