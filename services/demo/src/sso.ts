import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

const NAMES = [
  'Amélie Fortin',
  'Jordan Okafor',
  'Mei Lin Zhou',
  'Tomás Alvarez',
  'Aisha Rahman',
  'Liam MacNeil',
  'Noor Haddad',
  'Élise Gagnon',
];
const SUB_RE = /^demo-reader-[0-9a-f]{8}$/;

export interface DemoReader {
  sub: string;
  name: string;
}

/** A demo reader: the one asked for (renewing a sign-in), or a new one with a random name. */
export function demoReader(asked: { sub?: unknown; name?: unknown }): DemoReader {
  const sub =
    typeof asked.sub === 'string' && SUB_RE.test(asked.sub)
      ? asked.sub
      : `demo-reader-${randomBytes(4).toString('hex')}`;
  const name =
    typeof asked.name === 'string' && NAMES.includes(asked.name)
      ? asked.name
      : NAMES[randomBytes(1)[0]! % NAMES.length]!;
  return { sub, name };
}

/** Signs the reader's SSO token as a publisher's backend does: HS256 with the site's SSO secret, 10 minutes. */
export async function signDemoSso(secret: string, r: DemoReader): Promise<string> {
  // A made-up address under .invalid (reserved: no mail for it can leave a real mail server), so a demo reader
  // can try notification emails against a local SMTP catcher.
  return new SignJWT({ name: r.name, email: `${r.sub}@readers.demo.invalid` })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(r.sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
}
