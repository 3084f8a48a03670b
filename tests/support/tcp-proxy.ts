import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server. A test can cut it (refuse new connections
 * and reset open ones) and restore it: an outage without stopping the shared server; or hold it
 * (keep what clients send until release()): a server that is slow to answer.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let up = true;
  let holding = false;
  let heldBytes = 0;
  const held: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (!holding) {
        upstream.write(chunk);
        return;
      }
      heldBytes += chunk.length;
      held.push(() => upstream.write(chunk));
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    hold() {
      holding = true;
    },
    /** Bytes clients sent while held: > 0 means a query is waiting on the "server". */
    heldBytes: () => heldBytes,
    release() {
      holding = false;
      heldBytes = 0;
      for (const send of held.splice(0)) send();
    },
    async close() {
      this.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
