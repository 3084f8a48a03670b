import type { Queue } from 'bullmq';
import { LRUCache } from 'lru-cache';
import { v5 } from 'uuid';
import type { Queryable } from '../db/pool.js';
import type { Decision } from '../domain.js';
import { insertDeliveries, subscribedWebhooks, type Subscription } from '../db/webhooks.js';
import { newId } from '../ids.js';
import { webhookJobId, webhookJobOptions, type WebhookJob } from './queue.js';

/** Every event a webhook endpoint can subscribe to. */
export const EVENT_TYPES = [
  'comment.accepted',
  'comment.approved',
  'comment.held',
  'comment.rejected',
  'comment.reported',
  'comment.edited',
  'comment.deleted',
  'comment.featured',
  'comment.report_threshold',
  'reader.banned',
  'reader.notification',
  'post.created',
  'post.surge_started',
  'post.surge_ended',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The body every endpoint receives. */
export interface WebhookEvent {
  id: string;
  type: EventType;
  createdAt: string;
  siteId: string;
  data: Record<string, unknown>;
}

export interface NewEvent {
  siteId: string;
  type: EventType;
  data: Record<string, unknown>;
  /**
   * Names the occurrence (e.g. the comment id): the event id is derived from it, so emitting the
   * same occurrence twice (a retried job) delivers it once. Without it every call is a new event.
   */
  key?: string;
}

const EVENT_NAMESPACE = '6f1d3c2e-54b1-4c53-9d0e-7f3a2b9c8e41';
export const eventIdOf = (siteId: string, type: EventType, key: string): string =>
  v5(`${siteId}\n${type}\n${key}`, EVENT_NAMESPACE);

/** Emits events: stores one delivery per subscribed endpoint and enqueues it. */
export interface Events {
  emit(e: NewEvent): Promise<number>;
  /**
   * Stores the event's deliveries with `db`, the transaction of the change the event tells of, so that they commit
   * or roll back with it; returns what queues them, to call after the commit. A delivery whose queueing fails (or
   * never happens: the process stopped) is sent by the worker's sweep of stranded deliveries.
   */
  stage(db: Queryable, e: NewEvent): Promise<() => Promise<void>>;
  /** Queues a stored delivery (a redelivery by hand). */
  enqueue(siteId: string, deliveryId: string): Promise<void>;
  /** Drops this process's cached subscriptions of a site (after its endpoints changed). */
  forgetSite(siteId: string): void;
}

export interface EventDeps {
  db: Queryable;
  queue: Queue<WebhookJob>;
  retrySchedule: number[];
  /** A site's subscriptions, read with `db` when not cached (a caller's transaction reads them on its own connection). */
  subscriptions: (siteId: string, db?: Queryable) => Promise<Subscription[]>;
}

/** The comment an event's data is about (`data.comment.id`), if any. */
function commentIdOf(data: unknown): string | null {
  const comment = (data as { comment?: { id?: unknown } } | null)?.comment;
  return typeof comment?.id === 'string' ? comment.id : null;
}

/**
 * Stores a delivery for each enabled endpoint of the site that subscribed to the event type,
 * then enqueues them. Does nothing (one cached look-up) when no endpoint wants the event.
 * Returns the number of deliveries created.
 */
export async function emitEvent(deps: EventDeps, e: NewEvent): Promise<number> {
  const inserted = await storeDeliveries(deps, deps.db, e);
  await queueDeliveries(deps, e, inserted);
  return inserted.length;
}

/** Stores a delivery of the event for each endpoint that subscribed to it, with `db`; returns their ids. */
async function storeDeliveries(deps: EventDeps, db: Queryable, e: NewEvent): Promise<string[]> {
  const targets = (await deps.subscriptions(e.siteId, db)).filter((s) => s.events.includes(e.type));
  if (targets.length === 0) return [];
  const id = e.key ? eventIdOf(e.siteId, e.type, e.key) : newId();
  const event: WebhookEvent = { id, type: e.type, createdAt: new Date().toISOString(), siteId: e.siteId, data: e.data };
  const body = JSON.stringify(event);
  return insertDeliveries(
    db,
    targets.map((t) => ({
      id: newId(),
      siteId: e.siteId,
      webhookId: t.id,
      eventId: id,
      eventType: e.type,
      body,
      commentId: commentIdOf(e.data),
    })),
  );
}

async function queueDeliveries(deps: EventDeps, e: NewEvent, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await deps.queue.addBulk(
    deliveryIds.map((deliveryId) => ({
      name: e.type,
      data: { deliveryId, siteId: e.siteId },
      opts: { ...webhookJobOptions(deps.retrySchedule), jobId: webhookJobId(deliveryId) },
    })),
  );
}

/** An emitter with a per-process cache of each site's subscriptions (bounded by cacheTtlMs). */
export function createEvents(opts: {
  db: Queryable;
  queue: Queue<WebhookJob>;
  retrySchedule: number[];
  cacheTtlMs: number;
}): Events {
  const cache = new LRUCache<string, { subs: Subscription[] }>({ max: 10_000, ttl: Math.max(1, opts.cacheTtlMs) });
  const subscriptions = async (siteId: string, db: Queryable = opts.db) => {
    if (opts.cacheTtlMs > 0) {
      const hit = cache.get(siteId);
      if (hit) return hit.subs;
    }
    const subs = await subscribedWebhooks(db, siteId);
    if (opts.cacheTtlMs > 0) cache.set(siteId, { subs });
    return subs;
  };
  const deps: EventDeps = { db: opts.db, queue: opts.queue, retrySchedule: opts.retrySchedule, subscriptions };
  return {
    emit: (e) => emitEvent(deps, e),
    stage: async (db, e) => {
      const stored = await storeDeliveries(deps, db, e);
      return () => queueDeliveries(deps, e, stored);
    },
    enqueue: async (siteId, deliveryId) => {
      await opts.queue.add(
        'redeliver',
        { deliveryId, siteId },
        { ...webhookJobOptions(opts.retrySchedule), jobId: webhookJobId(deliveryId) },
      );
    },
    forgetSite: (siteId) => void cache.delete(siteId),
  };
}

/** The event a comment's decided status emits, whoever decided it (the worker or a person). */
export const DECIDED_EVENT: Record<Decision['status'], EventType> = {
  approved: 'comment.approved',
  pending: 'comment.held',
  rejected: 'comment.rejected',
};
const isDecided = (status: string): status is Decision['status'] => Object.hasOwn(DECIDED_EVENT, status);

/**
 * `comment.approved|held|rejected` for a decision a person made after the worker's (a moderator's
 * action, or a ban's background rejection of the reader's comments); null when nothing changed.
 */
export function moderatorDecision(m: {
  siteId: string;
  commentId: string;
  before: string;
  after: string;
  actorId: string | null;
}): NewEvent | null {
  return isDecided(m.after) && m.after !== m.before
    ? {
        siteId: m.siteId,
        type: DECIDED_EVENT[m.after],
        data: {
          comment: { id: m.commentId, status: m.after, previousStatus: m.before },
          by: { kind: 'moderator', id: m.actorId },
        },
      }
    : null;
}
