import type { FastifyInstance } from 'fastify';

/** How long a refused body is read and thrown away after the answer, at most. */
const LINGER_MS = 5000;
/** How much of a refused body is read and thrown away after the answer, at most. */
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * A body refused unread (413) is read to its end and thrown away, within bounds, instead of
 * closing the connection under it.
 *
 * Closing a socket whose receive buffer still holds the client's upload makes the kernel reset the
 * connection, and a reset can reach the client before it has read the 413: the client then sees a
 * broken pipe instead of the answer. Reading the rest (what web servers call a lingering close)
 * lets the answer arrive; the connection stays usable afterwards. A client that keeps sending past
 * {@link LINGER_BYTES} or {@link LINGER_MS} has its connection closed, as before.
 *
 * `isDraining` keeps the shutdown path's `Connection: close` in force.
 */
export function registerBodyRefusal(fastify: FastifyInstance, isDraining: () => boolean): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    if (reply.statusCode === 413 && !raw.complete && !isDraining()) {
      // Set by Fastify's body parser so that the rest of the upload is never read.
      reply.removeHeader('connection');
      const socket = raw.socket;
      let discarded = 0;
      const giveUp = () => {
        clearTimeout(timer);
        socket.destroy();
      };
      const timer = setTimeout(giveUp, LINGER_MS);
      timer.unref();
      // Node resumes an unread request once its answer is sent; counting what passes is enough.
      raw.on('data', (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > LINGER_BYTES) giveUp();
      });
      raw.once('end', () => clearTimeout(timer));
      raw.once('close', () => clearTimeout(timer));
      raw.resume();
    }
    done(null, payload);
  });
}
