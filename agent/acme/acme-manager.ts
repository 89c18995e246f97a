/**
 * Certificates that renew themselves. `request` orders one from an ACME CA (order.ts), stores
 * it in the certificate store as an import is stored (source `acme` in its meta), reloads the
 * services using it, binds it where asked, and keeps a renewal for it (renewals-file.ts);
 * a timer renews each at two thirds of its lifetime, retrying with backoff (schedule.ts). A
 * failed renewal keeps the stored certificate serving. Every step is a `cert` event and an
 * audit line. acme-client is loaded on the first order only.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AcmeProblemWire, AcmeRenewalWire, CertEvent } from '../../shared/protocol/acme.ts';
import type { CertSummary } from '../../shared/certs/summary-types.ts';
import type { Actor, AuditEntry } from '../config/audit-log.ts';
import type { ConfigStore } from '../config/config-store.ts';
import { readMeta } from '../certs/entry-reader.ts';
import { reloadUsers } from '../certs/reload-users.ts';
import type { CertStore } from '../certs/store.ts';
import { CertStoreError } from '../certs/store-errors.ts';
import { openAccount } from './account.ts';
import { acmeLibrary, probeDirectory, trustDirectory } from './acme-library.ts';
import type { ChallengeBook } from './challenge-book.ts';
import { directoryUrlOf } from './directories.ts';
import { AcmeError } from './errors.ts';
import { caError, runOrder, type KeyType, type OrderStep } from './order.ts';
import { readRenewals, writeRenewals, type RenewalRecord } from './renewals-file.ts';
import { renewalAt, retryAt } from './schedule.ts';

export interface CertRequest {
  name: string;
  domains: string[];
  directoryUrl: string;
  email: string;
  bind?: string[] | undefined;
  directoryCa?: string | undefined;
  keyType?: KeyType | undefined;
}

export interface CertOutcome {
  name: string;
  replaced: boolean;
  summary: CertSummary;
  reloaded: string[];
  bound: string[];
  renewal: AcmeRenewalWire;
  /** The services could not load the new material (stored all the same). */
  warnings: string[];
}

export interface AcmeManagerOptions {
  dataDir: string;
  certStore: CertStore;
  configStore: Pick<ConfigStore, 'get' | 'refresh' | 'update'>;
  challenges: ChallengeBook;
  log: Logger;
  audit(entry: AuditEntry): Promise<void>;
  now?: () => Date;
}

/** Who a scheduled renewal is, in the audit log and events. */
export const RENEWAL_ACTOR: Actor = { tokenId: 'acme-renewal', peer: 'local' };

/** setTimeout's longest delay; a later renewal is re-timed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class AcmeManager {
  private readonly opts: AcmeManagerOptions;
  private readonly log: Logger;
  private readonly records = new Map<string, RenewalRecord>();
  private readonly running = new Map<string, Promise<CertOutcome>>();
  private readonly listeners = new Set<(event: CertEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Writes of renewals.json, one after another. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(opts: AcmeManagerOptions, records: RenewalRecord[]) {
    this.opts = opts;
    this.log = opts.log.child({ module: 'acme' });
    for (const record of records) this.records.set(record.name, record);
  }

  /** Reads the persisted renewals and times the next one. */
  static async open(opts: AcmeManagerOptions): Promise<AcmeManager> {
    const records = await readRenewals(opts.dataDir, (message) => opts.log.error(message));
    const manager = new AcmeManager(opts, records);
    if (records.length)
      manager.log.info({ certificates: records.map((r) => r.name) }, 'ACME renewals loaded');
    manager.arm();
    return manager;
  }

  onEvent(listener: (event: CertEvent) => void): () => void {
    const entry = (event: CertEvent) => listener(event);
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** The renewal the agent keeps for `name`, if it renews it. */
  renewal(name: string): AcmeRenewalWire | undefined {
    const record = this.records.get(name);
    return record ? this.wire(record) : undefined;
  }

  /**
   * Orders `name` now; nothing is kept when the order fails (the answer says which domain and
   * why). Once stored it is renewed, even should binding it then be refused.
   */
  async request(params: CertRequest, actor: Actor): Promise<CertOutcome> {
    if (this.running.has(params.name))
      throw new AcmeError('INVALID', `an order for "${params.name}" is already running: wait for its end`);
    const directoryUrl = directoryUrlOf(params.directoryUrl);
    const bind = params.bind ?? [];
    this.checkBind(bind);
    const caPem = await this.directoryCa(params.directoryCa);
    const work = (async () => {
      try {
        const issued = await this.issue(params.name, directoryUrl, params, caPem, actor);
        // Stored: renewed from now on, even should the binding below be refused.
        const record = this.recordOf(params, directoryUrl, issued.summary);
        this.records.set(record.name, record);
        await this.save();
        this.scheduled(record, actor);
        const bound = bind.length ? await this.bind(params.name, bind, actor) : [];
        return { ...issued, bound, renewal: this.wire(record, false) };
      } catch (err) {
        const problem = problemOf(err);
        this.step(params.name, 'failed', problem.message, actor, {
          problem,
          ...(problem.domain ? { domain: problem.domain } : {}),
        });
        throw err;
      }
    })();
    return this.track(params.name, work);
  }

  /** Renews `name` now (a running attempt is joined). A failure schedules a retry. */
  renew(name: string, actor: Actor): Promise<CertOutcome> {
    const running = this.running.get(name);
    if (running) return running;
    const record = this.records.get(name);
    if (!record) {
      return Promise.reject(
        new AcmeError(
          'NOT_FOUND',
          `"${name}" is not a certificate this agent renews from an ACME CA (cert.request makes one)`,
        ),
      );
    }
    return this.track(name, this.attempt(record, actor));
  }

  /** Stops renewing `name` (removed from the store, or replaced by an admin's import). */
  async forget(name: string, why: string, actor: Actor): Promise<void> {
    if (!this.records.delete(name)) return;
    await this.save();
    this.step(name, 'forgotten', `no longer renewed: ${why}`, actor, {});
    this.arm();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async attempt(record: RenewalRecord, actor: Actor): Promise<CertOutcome> {
    const { name } = record;
    if (!this.stillAcme(name)) {
      await this.forget(name, 'the store entry is gone or was replaced by an import', actor);
      throw new AcmeError('NOT_FOUND', `"${name}" is no longer an ACME certificate in the store`);
    }
    try {
      const caPem = await this.directoryCa(record.directoryCa);
      const issued = await this.issue(name, record.directoryUrl, record, caPem, actor);
      const next = this.recordOf(record, record.directoryUrl, issued.summary);
      // Only if it is still ours: a forget() (cert.remove, an import) while this ran wins.
      if (this.records.has(name)) {
        this.records.set(name, next);
        await this.save();
        this.scheduled(next, actor);
      }
      return { ...issued, bound: [], renewal: this.wire(next, false) };
    } catch (err) {
      const now = this.now();
      const failures = record.failures + 1;
      const problem = problemOf(err);
      const next: RenewalRecord = {
        ...record,
        failures,
        lastError: { at: now.toISOString(), ...problem },
        nextRenewalAt: retryAt(
          failures,
          new Date(record.notBefore),
          new Date(record.notAfter),
          now,
        ).toISOString(),
      };
      // Only if it is still ours: a forget() while this ran wins.
      if (this.records.has(name)) {
        this.records.set(name, next);
        await this.save();
      }
      this.step(
        name,
        'failed',
        `renewal failed; the certificate stored keeps serving: ${problem.message}`,
        actor,
        {
          problem,
          nextRenewalAt: next.nextRenewalAt,
          ...(problem.domain ? { domain: problem.domain } : {}),
        },
      );
      throw err;
    }
  }

  /** Order, store, reload: the part a request and a renewal share. */
  private async issue(
    name: string,
    directoryUrl: string,
    params: Pick<CertRequest, 'domains' | 'email' | 'keyType'>,
    caPem: string | undefined,
    actor: Actor,
  ): Promise<Omit<CertOutcome, 'bound' | 'renewal'>> {
    const acme = await acmeLibrary(this.log);
    trustDirectory(directoryUrl, caPem);
    await probeDirectory(directoryUrl);
    const client = await caCall('the ACME account could not be opened', () =>
      openAccount(acme, this.opts.dataDir, directoryUrl, params.email, this.log),
    );
    const issued = await runOrder({
      acme,
      client,
      domains: params.domains,
      keyType: params.keyType ?? 'ec-p256',
      challenges: this.opts.challenges,
      report: (s) => this.orderStep(name, directoryUrl, params.domains, s, actor),
    });
    const stored = await this.opts.certStore.import(
      name,
      { files: [Buffer.from(issued.keyPem), Buffer.from(issued.chainPem)] },
      { source: 'acme' },
    );
    const reload = await reloadUsers(this.opts.configStore, name, stored.replaced, this.log);
    this.step(
      name,
      'installed',
      `stored${reload.reloaded.length ? `; ${reload.reloaded.join(', ')} now serve it` : ''}`,
      actor,
      { detail: { fingerprint: stored.summary.fingerprint, notAfter: stored.summary.notAfter } },
    );
    return {
      name: stored.name,
      replaced: stored.replaced,
      summary: stored.summary,
      reloaded: reload.reloaded,
      warnings: [...stored.warnings.map((w) => w.message), ...(reload.problem ? [reload.problem] : [])],
    };
  }

  private orderStep(name: string, directoryUrl: string, domains: string[], s: OrderStep, actor: Actor): void {
    switch (s.step) {
      case 'ordered':
        return this.step(name, 'ordered', `the CA took the order for ${domains.join(', ')}`, actor, {
          detail: { directoryUrl, domains },
        });
      case 'challenge':
        return this.step(name, 'challenge', `answering the HTTP-01 challenge for ${s.domain}`, actor, {
          domain: s.domain,
        });
      case 'validated':
        return this.step(
          name,
          'validated',
          s.reused
            ? `${s.domain} was validated recently: no challenge needed`
            : `the CA validated ${s.domain}`,
          actor,
          { domain: s.domain },
        );
      case 'issued':
        return this.step(name, 'issued', 'the CA issued the certificate', actor, {});
    }
  }

  /** Puts `name` first in each service's certificate list, in one config transaction. */
  private async bind(name: string, services: string[], actor: Actor): Promise<string[]> {
    await this.opts.configStore.update(
      (current) => {
        for (const service of services) {
          const vs = current.virtualServices.find((v) => v.name === service);
          if (vs?.protocol !== 'https')
            throw new AcmeError(
              'INVALID',
              `issued and stored as "${name}", but not bound: "${service}" is no longer an https service`,
            );
          vs.tls.certificates = [name, ...vs.tls.certificates.filter((c) => c !== name)];
        }
        return current;
      },
      { actor, action: 'cert.bind' },
    );
    this.step(name, 'bound', `${services.join(', ')} serve it`, actor, { detail: { services } });
    return services;
  }

  /** Bind targets are checked before anything is ordered: a CA's issuance is not free. */
  private checkBind(services: string[]): void {
    const config = this.opts.configStore.get().config;
    for (const service of services) {
      const vs = config.virtualServices.find((v) => v.name === service);
      if (!vs)
        throw new AcmeError('INVALID', `there is no virtual service "${service}" to bind the certificate to`);
      if (vs.protocol !== 'https')
        throw new AcmeError(
          'INVALID',
          `virtual service "${service}" is ${vs.protocol}, not https: it serves no certificate`,
        );
    }
  }

  /** The PEM of a CA bundle in the store, to verify a private ACME server with. */
  private async directoryCa(name: string | undefined): Promise<string | undefined> {
    if (name === undefined) return undefined;
    try {
      return await this.opts.certStore.loadCa(name);
    } catch (err) {
      if (err instanceof CertStoreError)
        throw new AcmeError('INVALID', `directoryCa: ${err.message}`, { cause: err });
      throw err;
    }
  }

  private stillAcme(name: string): boolean {
    try {
      return readMeta(join(this.opts.dataDir, 'certs'), name).source === 'acme';
    } catch {
      return false;
    }
  }

  private recordOf(
    params: Pick<CertRequest, 'name' | 'domains' | 'email' | 'directoryCa' | 'keyType'>,
    directoryUrl: string,
    summary: CertSummary,
  ): RenewalRecord {
    const now = this.now();
    return {
      name: params.name,
      domains: [...params.domains],
      directoryUrl,
      email: params.email,
      ...(params.directoryCa !== undefined ? { directoryCa: params.directoryCa } : {}),
      keyType: params.keyType ?? 'ec-p256',
      issuedAt: now.toISOString(),
      notBefore: summary.notBefore,
      notAfter: summary.notAfter,
      fingerprint: summary.fingerprint,
      nextRenewalAt: renewalAt(new Date(summary.notBefore), new Date(summary.notAfter), now).toISOString(),
      failures: 0,
    };
  }

  private scheduled(record: RenewalRecord, actor: Actor): void {
    this.step(record.name, 'scheduled', `next renewal ${record.nextRenewalAt}`, actor, {
      nextRenewalAt: record.nextRenewalAt,
    });
    this.arm();
  }

  private track(name: string, work: Promise<CertOutcome>): Promise<CertOutcome> {
    this.running.set(name, work);
    const done = () => {
      if (this.running.get(name) === work) this.running.delete(name);
      this.arm();
    };
    work.then(done, done);
    return work;
  }

  /** Times the earliest renewal that is not running. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    let first: RenewalRecord | undefined;
    for (const record of this.records.values()) {
      if (this.running.has(record.name)) continue;
      if (!first || record.nextRenewalAt < first.nextRenewalAt) first = record;
    }
    if (!first) return;
    const delay = Math.max(0, Date.parse(first.nextRenewalAt) - this.now().getTime());
    this.timer = setTimeout(() => this.due(), Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  private due(): void {
    const now = this.now().toISOString();
    for (const record of this.records.values()) {
      if (record.nextRenewalAt > now || this.running.has(record.name)) continue;
      this.renew(record.name, RENEWAL_ACTOR).catch(() => {
        // Reported as a `failed` event and in the audit log; the retry is scheduled.
      });
    }
    this.arm();
  }

  /** @param renewing whether an attempt runs (default: one is tracked now; a result says false). */
  private wire(record: RenewalRecord, renewing = this.running.has(record.name)): AcmeRenewalWire {
    return {
      directoryUrl: record.directoryUrl,
      domains: record.domains,
      nextRenewalAt: record.nextRenewalAt,
      issuedAt: record.issuedAt,
      failures: record.failures,
      ...(record.lastError ? { lastError: record.lastError } : {}),
      renewing,
    };
  }

  private save(): Promise<void> {
    const records = [...this.records.values()];
    const run = this.saving.then(() => writeRenewals(this.opts.dataDir, records));
    this.saving = run.catch((err: Error) =>
      this.log.error({ err: err.message }, 'could not write renewals.json'),
    );
    return run;
  }

  private step(
    name: string,
    step: CertEvent['step'],
    message: string,
    actor: Actor,
    extra: Partial<Pick<CertEvent, 'domain' | 'problem' | 'nextRenewalAt'>> & {
      detail?: Record<string, unknown>;
    },
  ): void {
    const { detail, ...fields } = extra;
    const event: CertEvent = { name, step, message, at: this.now().toISOString(), ...fields };
    const level = step === 'failed' ? 'warn' : 'info';
    this.log[level]({ certificate: name, step, domain: fields.domain }, message);
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.log.error({ err }, 'cert event listener failed');
      }
    }
    void this.opts.audit({
      action: `acme.${step}`,
      actor,
      ok: step !== 'failed',
      detail: {
        name,
        ...(fields.domain ? { domain: fields.domain } : {}),
        ...detail,
        ...(fields.nextRenewalAt ? { nextRenewalAt: fields.nextRenewalAt } : {}),
      },
      ...(fields.problem ? { error: fields.problem.message } : {}),
    });
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }
}

/** What a failure says, whatever failed: the CA (with its domain and type) or anything else. */
function problemOf(err: unknown): AcmeProblemWire {
  if (err instanceof AcmeError)
    return {
      message: err.message,
      ...(err.domain ? { domain: err.domain } : {}),
      ...(err.type ? { type: err.type } : {}),
    };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** A CA call outside the order itself (the account): failures said as the order's are. */
async function caCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw caError(what, err);
  }
}
