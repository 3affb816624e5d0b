// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "sip" scheduler: sticky Call-ID bindings.
 *
 * A per-service table binds each Call-ID to the real server its first
 * message went to, so that every later message of the call (requests,
 * responses and retransmissions, from any source address or port) reaches
 * the same server while that server is usable, even after the server set
 * changed and the consistent hash would now choose another one.
 *
 * Lifetime of a binding (RFC 3261 timers, T1 = 500 ms):
 *  - a non-INVITE transaction (REGISTER, OPTIONS, MESSAGE, ...) lives
 *    64*T1 = 32 s after its last message ("transaction_timeout");
 *  - an INVITE with no answer yet lives like a transaction (Timer B);
 *    once a provisional answer shows it ringing, "early_timeout" (180 s,
 *    Timer C) after its last message, so that a flood of unanswered
 *    INVITEs cannot hold bindings for long;
 *  - a confirmed dialog (2xx to the INVITE; SUBSCRIBE/REFER/NOTIFY
 *    dialogs) lives for the long idle "dialog_timeout" (30 min) after its
 *    last message;
 *  - BYE, CANCEL or a failure response to the INVITE end the dialog: the
 *    binding lingers "linger_timeout" (32 s) for retransmissions and final
 *    responses, without being refreshed, then goes. A new INVITE (after a
 *    401/407 challenge) or a 2xx from another fork brings it back.
 *
 * Memory is bounded: at max_bindings new Call-IDs are still placed by the
 * consistent hash, just not pinned, and counted as refused; existing
 * bindings are never evicted to make room, so a flood of random Call-IDs
 * cannot push established calls off their servers.
 *
 * Lookups are lock-free (rhashtable, RCU). Bindings are removed by a
 * periodic walk (ip_vs_sip_gc) and freed after a grace period; the walk is
 * skipped while no binding can have expired yet (ip_vs_sip_gc_lower()).
 *
 * A message's Call-ID is hashed once: the SipHash that places a new call
 * (ip_vs_sip_hash_key()) is stored in the binding and is what the binding
 * table hashes and compares first. The table's buckets come from that
 * 64-bit value mixed with the rhashtable's own random seed, so a known
 * placement seed does not let anyone aim keys at one bucket. When the
 * service's seed changes, the placement hash no longer matches the stored
 * ones and the key is hashed a second time with the service's first key
 * (ip_vs_sip_svc.bkey), so existing bindings are still found.
 */
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "ip_vs_sip.h"
#include "ip_vs_sip_rs.h"
#include "ip_vs_udp_walk.h"

struct ip_vs_sip_lookup_key {
	const u8	*key;
	u32		len;
	u64		hash;	/* SipHash under ip_vs_sip_svc.bkey */
};

static u32 ip_vs_sip_mix(u64 hash, u32 seed)
{
	return jhash_2words((u32)hash, (u32)(hash >> 32), seed);
}

static u32 ip_vs_sip_key_hashfn(const void *data, u32 len, u32 seed)
{
	const struct ip_vs_sip_lookup_key *k = data;

	return ip_vs_sip_mix(k->hash, seed);
}

static u32 ip_vs_sip_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct ip_vs_sip_binding *b = data;

	return ip_vs_sip_mix(b->hash, seed);
}

static int ip_vs_sip_obj_cmpfn(struct rhashtable_compare_arg *arg,
			       const void *obj)
{
	const struct ip_vs_sip_lookup_key *k = arg->key;
	const struct ip_vs_sip_binding *b = obj;

	return b->hash != k->hash || b->len != k->len ||
	       memcmp(b->key, k->key, k->len);
}

/*
 * The binding hash of @m's key: @hash itself while the placement table
 * still uses the key the bindings were hashed with (the seed never
 * changed), else a second SipHash under that first key.
 */
static u64 ip_vs_sip_bind_hash(const struct ip_vs_sip_svc *s,
			       const struct ip_vs_sip_table *t,
			       const struct ip_vs_sip_msg *m, u64 hash)
{
	if (likely(t->key.key[0] == s->bkey.key[0] &&
		   t->key.key[1] == s->bkey.key[1]))
		return hash;
	return siphash(m->callid, m->callid_len, &s->bkey);
}

/*
 * Bindings never expire before s->gc_next: lower it to @exp when a
 * binding's expiry is set earlier. Racing writers are resolved with
 * cmpxchg; a binding whose expiry a racing walk misses is collected by a
 * later walk (ip_vs_sip_gc() walks at least every IP_VS_SIP_GC_MAX_SKIP).
 */
static void ip_vs_sip_gc_lower(struct ip_vs_sip_svc *s, unsigned long exp)
{
	unsigned long old = READ_ONCE(s->gc_next);

	while (time_before(exp, old)) {
		unsigned long cur = cmpxchg(&s->gc_next, old, exp);

		if (cur == old)
			break;
		old = cur;
	}
}

static void ip_vs_sip_set_expires(struct ip_vs_sip_svc *s,
				  struct ip_vs_sip_binding *b,
				  unsigned long exp)
{
	WRITE_ONCE(b->expires, exp);
	ip_vs_sip_gc_lower(s, exp);
}

static const struct rhashtable_params ip_vs_sip_rht_params = {
	.head_offset		= offsetof(struct ip_vs_sip_binding, node),
	.hashfn			= ip_vs_sip_key_hashfn,
	.obj_hashfn		= ip_vs_sip_obj_hashfn,
	.obj_cmpfn		= ip_vs_sip_obj_cmpfn,
	.automatic_shrinking	= true,
};

int ip_vs_sip_bindings_init(struct ip_vs_sip_svc *s)
{
	atomic_set(&s->nbindings, 0);
	/*
	 * The placement key the table will be built with
	 * (ip_vs_sip_table_build()): while they are equal, a message's
	 * placement hash is also its binding hash. Were they to differ, every
	 * binding lookup would hash twice, still correctly.
	 */
	s->bkey.key[0] = s->conf.seed;
	s->bkey.key[1] = s->conf.seed ^ 0x736970206d61676cULL;
	s->gc_valid = false;
	return rhashtable_init(&s->bindings, &ip_vs_sip_rht_params);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_bindings_init);

static void ip_vs_sip_binding_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/* Process context, no reader left (after a grace period). */
void ip_vs_sip_bindings_destroy(struct ip_vs_sip_svc *s)
{
	rhashtable_free_and_destroy(&s->bindings, ip_vs_sip_binding_free,
				    NULL);
	atomic_set(&s->nbindings, 0);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_bindings_destroy);

/*
 * How long a binding in @state lives after message @m. An INVITE that has
 * had no answer yet lives like a transaction (Timer B, 64*T1); once a
 * provisional response shows the call is ringing, up to early_timeout
 * (a proxy's Timer C is more than 3 minutes).
 */
static unsigned long ip_vs_sip_timeout(const struct ip_vs_sip_conf *c,
				       enum ip_vs_sip_state state,
				       const struct ip_vs_sip_msg *m)
{
	switch (state) {
	case IP_VS_SIP_S_EARLY:
		if ((m->flags & IP_VS_SIP_F_RESPONSE) && m->status < 200)
			return (unsigned long)c->early_timeout * HZ;
		return (unsigned long)c->transaction_timeout * HZ;
	case IP_VS_SIP_S_DIALOG:
		return (unsigned long)c->dialog_timeout * HZ;
	case IP_VS_SIP_S_LINGER:
		return (unsigned long)c->linger_timeout * HZ;
	default:
		return (unsigned long)c->transaction_timeout * HZ;
	}
}

/* Requests that create or live in a dialog (RFC 3261, 6665, 3515). */
static bool ip_vs_sip_dialog_method(u8 method)
{
	return method == IP_VS_SIP_M_SUBSCRIBE ||
	       method == IP_VS_SIP_M_REFER || method == IP_VS_SIP_M_NOTIFY;
}

/* The state a message moves a binding (in state @cur) to. */
static enum ip_vs_sip_state ip_vs_sip_next_state(enum ip_vs_sip_state cur,
						 const struct ip_vs_sip_msg *m)
{
	bool resp = m->flags & IP_VS_SIP_F_RESPONSE;

	if (cur == IP_VS_SIP_S_LINGER) {
		/*
		 * A failure response ends one INVITE attempt, not the call:
		 * the INVITE is sent again with credentials (401/407) or
		 * another branch of a forked INVITE answers.
		 */
		if (m->method == IP_VS_SIP_M_INVITE && !resp)
			return IP_VS_SIP_S_EARLY;
		if (m->method == IP_VS_SIP_M_INVITE && m->status >= 200 &&
		    m->status < 300)
			return IP_VS_SIP_S_DIALOG;
		return cur;
	}
	if (!resp) {
		/* CANCEL of a re-INVITE leaves the dialog (RFC 3261 9.1). */
		if (m->method == IP_VS_SIP_M_BYE ||
		    (m->method == IP_VS_SIP_M_CANCEL &&
		     cur != IP_VS_SIP_S_DIALOG))
			return IP_VS_SIP_S_LINGER;
		if (cur == IP_VS_SIP_S_TRANSACTION &&
		    m->method == IP_VS_SIP_M_INVITE)
			return IP_VS_SIP_S_EARLY;
		if (cur == IP_VS_SIP_S_TRANSACTION &&
		    ip_vs_sip_dialog_method(m->method))
			return IP_VS_SIP_S_DIALOG;
		return cur;
	}
	if (m->method == IP_VS_SIP_M_INVITE && cur == IP_VS_SIP_S_EARLY) {
		if (m->status >= 200 && m->status < 300)
			return IP_VS_SIP_S_DIALOG;
		/* A failed INVITE never became a dialog: keep it for the ACK. */
		if (m->status >= 300)
			return IP_VS_SIP_S_LINGER;
	}
	/*
	 * A call first seen through its answer (its INVITE went another way,
	 * or the real server started it): a provisional answer means ringing,
	 * a 2xx a confirmed dialog.
	 */
	if (m->method == IP_VS_SIP_M_INVITE &&
	    cur == IP_VS_SIP_S_TRANSACTION) {
		if (m->status >= 200 && m->status < 300)
			return IP_VS_SIP_S_DIALOG;
		if (m->status < 200)
			return IP_VS_SIP_S_EARLY;
	}
	return cur;
}

/* Refresh a binding's expiry for a message; racing writers are harmless. */
static void ip_vs_sip_touch(struct ip_vs_sip_svc *s,
			    struct ip_vs_sip_binding *b,
			    const struct ip_vs_sip_msg *m, unsigned long now)
{
	enum ip_vs_sip_state cur = READ_ONCE(b->state);
	enum ip_vs_sip_state next = ip_vs_sip_next_state(cur, m);

	if (next != cur) {
		WRITE_ONCE(b->state, next);
		ip_vs_sip_set_expires(s, b,
				      now + ip_vs_sip_timeout(&s->conf, next, m));
		if (next == IP_VS_SIP_S_LINGER)
			this_cpu_inc(s->stats->ended);
	} else if (next != IP_VS_SIP_S_LINGER) {
		unsigned long exp = now + ip_vs_sip_timeout(&s->conf, next, m);

		/*
		 * Avoid dirtying the cache line on every message. Only ever
		 * later: gc_next stays a lower bound.
		 */
		if (time_after(exp, READ_ONCE(b->expires) + HZ / 4))
			WRITE_ONCE(b->expires, exp);
	}
	if (READ_ONCE(b->last_use) != now)
		WRITE_ONCE(b->last_use, now);
}

/*
 * The table entry of a binding's server, or NULL when the server is no
 * longer in the service. The binding's index hint is right until the
 * table is rebuilt with servers before it added or removed; then the
 * first message of each call finds the server again in the table's index
 * by pointer (b->dest may be gone and is never read) and refreshes the
 * hint.
 */
static struct ip_vs_dest *ip_vs_sip_resolve(const struct ip_vs_sip_table *t,
					    struct ip_vs_sip_binding *b)
{
	struct ip_vs_dest *want = READ_ONCE(b->dest);
	unsigned int i = READ_ONCE(b->hint);
	int j;

	if (i < t->ndests && t->dests[i] == want)
		return want;
	j = ip_vs_sip_table_index(t, want);
	if (j < 0)
		return NULL;
	WRITE_ONCE(b->hint, j);
	return want;
}

/*
 * Does a bound call stay on its server? While the server has a weight,
 * yes (an overloaded server only takes no new calls). A quiesced server
 * (weight 0) keeps its calls until they end (drain), unless the service
 * asks to move them now (IP_VS_SVC_F_SIP_MOVE_QUIESCED).
 */
static bool ip_vs_sip_keep(const struct ip_vs_dest *d, bool move_quiesced)
{
	return atomic_read(&d->weight) > 0 || !move_quiesced;
}

/**
 * ip_vs_sip_bind - the server for a message with a Call-ID
 * @s: service state
 * @t: current placement table (RCU)
 * @m: the parsed message, with a Call-ID of at most IP_VS_SIP_CALLID_MAX
 * @hash: ip_vs_sip_hash_key() of the Call-ID
 * @move_quiesced: move bindings off servers with weight 0 (default: drain)
 * @now: jiffies (a parameter so that tests control the clock)
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: the server, or NULL when no server is usable.
 */
struct ip_vs_dest *ip_vs_sip_bind(struct ip_vs_sip_svc *s,
				  const struct ip_vs_sip_table *t,
				  const struct ip_vs_sip_msg *m, u64 hash,
				  bool move_quiesced, unsigned long now)
{
	struct ip_vs_sip_lookup_key k = {
		.key = m->callid,
		.len = m->callid_len,
		.hash = ip_vs_sip_bind_hash(s, t, m, hash),
	};
	struct ip_vs_sip_binding *b, *old;
	struct ip_vs_dest *d;
	enum ip_vs_sip_state st;
	u16 idx;

	b = rhashtable_lookup(&s->bindings, &k, ip_vs_sip_rht_params);
	if (b && time_before_eq(now, READ_ONCE(b->expires))) {
		this_cpu_inc(s->stats->hits);
		d = ip_vs_sip_resolve(t, b);
		if (d && ip_vs_sip_keep(d, move_quiesced)) {
			ip_vs_sip_touch(s, b, m, now);
			return d;
		}
		/* Its server is gone or out: move the call, keep the key. */
		d = ip_vs_sip_table_pick_idx(t, hash, &idx);
		if (!d)
			return NULL;
		WRITE_ONCE(b->hint, idx);
		WRITE_ONCE(b->dest, d);
		this_cpu_inc(s->stats->moved);
		ip_vs_sip_touch(s, b, m, now);
		return d;
	}

	d = ip_vs_sip_table_pick_idx(t, hash, &idx);
	if (!d)
		return NULL;

	if (b) {
		/* Expired but not yet collected: reuse it for the new call. */
		WRITE_ONCE(b->state, IP_VS_SIP_S_TRANSACTION);
		WRITE_ONCE(b->hint, idx);
		WRITE_ONCE(b->dest, d);
		WRITE_ONCE(b->created, now);
		WRITE_ONCE(b->expires, now);
		ip_vs_sip_touch(s, b, m, now);
		this_cpu_inc(s->stats->created);
		return d;
	}

	if (atomic_inc_return(&s->nbindings) > s->conf.max_bindings) {
		atomic_dec(&s->nbindings);
		this_cpu_inc(s->stats->refused);
		return d;
	}
	b = kmalloc(struct_size(b, key, m->callid_len), GFP_ATOMIC);
	if (!b) {
		atomic_dec(&s->nbindings);
		this_cpu_inc(s->stats->refused);
		return d;
	}
	b->hash = k.hash;
	b->dest = d;
	b->hint = idx;
	b->created = now;
	b->last_use = now;
	b->len = m->callid_len;
	memcpy(b->key, m->callid, m->callid_len);
	st = ip_vs_sip_next_state(IP_VS_SIP_S_TRANSACTION, m);
	b->state = st;
	ip_vs_sip_set_expires(s, b, now + ip_vs_sip_timeout(&s->conf, st, m));
	if (st == IP_VS_SIP_S_LINGER)
		this_cpu_inc(s->stats->ended);

	old = rhashtable_lookup_get_insert_key(&s->bindings, &k, &b->node,
					       ip_vs_sip_rht_params);
	if (old) {
		/* Lost a race with another CPU, or the table refused. */
		atomic_dec(&s->nbindings);
		kfree(b);
		if (IS_ERR(old)) {
			this_cpu_inc(s->stats->refused);
			return d;
		}
		return ip_vs_sip_resolve(t, old) ?: d;
	}
	this_cpu_inc(s->stats->created);
	return d;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_bind);

/**
 * ip_vs_sip_bind_rs - a request the real server @dest sends on its own
 * @s: service state
 * @t: current placement table (RCU)
 * @m: the parsed message, with a Call-ID of at most IP_VS_SIP_CALLID_MAX
 * @dest: the server that sent it
 * @now: jiffies
 *
 * In-dialog requests from a real server (BYE, re-INVITE, NOTIFY) and calls
 * it starts are legitimate when the Call-ID is the server's: bound to it,
 * or not bound at all (first seen from it, or its binding expired, or its
 * server left the service), in which case it is bound to @dest now, so
 * that the client's responses are scheduled back to @dest. A Call-ID bound
 * to another server of the service is not @dest's to use.
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: IP_VS_SIP_RS_BOUND, _NEW, _OTHER, or _REFUSED (unbound and the
 * table is at its cap, or @dest is not in the table).
 */
int ip_vs_sip_bind_rs(struct ip_vs_sip_svc *s, const struct ip_vs_sip_table *t,
		      const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
		      unsigned long now)
{
	struct ip_vs_sip_lookup_key k = {
		.key = m->callid,
		.len = m->callid_len,
		.hash = siphash(m->callid, m->callid_len, &s->bkey),
	};
	struct ip_vs_sip_binding *b, *old;
	struct ip_vs_dest *d;
	int idx;

	idx = ip_vs_sip_table_find(t, dest);
	if (idx < 0)
		return IP_VS_SIP_RS_REFUSED;

	b = rhashtable_lookup(&s->bindings, &k, ip_vs_sip_rht_params);
	if (b && time_before_eq(now, READ_ONCE(b->expires))) {
		this_cpu_inc(s->stats->hits);
		d = ip_vs_sip_resolve(t, b);
		if (d == dest) {
			ip_vs_sip_touch(s, b, m, now);
			return IP_VS_SIP_RS_BOUND;
		}
		if (d)
			return IP_VS_SIP_RS_OTHER;
		/* Its server left the service: the call is the sender's. */
		WRITE_ONCE(b->hint, idx);
		WRITE_ONCE(b->dest, dest);
		this_cpu_inc(s->stats->moved);
		ip_vs_sip_touch(s, b, m, now);
		return IP_VS_SIP_RS_NEW;
	}

	if (b) {
		/* Expired but not yet collected: reuse it. */
		WRITE_ONCE(b->state, IP_VS_SIP_S_TRANSACTION);
		WRITE_ONCE(b->hint, idx);
		WRITE_ONCE(b->dest, dest);
		WRITE_ONCE(b->created, now);
		WRITE_ONCE(b->expires, now);
		ip_vs_sip_touch(s, b, m, now);
		this_cpu_inc(s->stats->created);
		return IP_VS_SIP_RS_NEW;
	}

	if (atomic_inc_return(&s->nbindings) > s->conf.max_bindings)
		goto refused;
	b = kmalloc(struct_size(b, key, m->callid_len), GFP_ATOMIC);
	if (!b)
		goto refused;
	b->hash = k.hash;
	b->dest = dest;
	b->hint = idx;
	b->created = now;
	b->last_use = now;
	b->len = m->callid_len;
	memcpy(b->key, m->callid, m->callid_len);
	b->state = ip_vs_sip_next_state(IP_VS_SIP_S_TRANSACTION, m);
	ip_vs_sip_set_expires(s, b,
			      now + ip_vs_sip_timeout(&s->conf, b->state, m));
	if (b->state == IP_VS_SIP_S_LINGER)
		this_cpu_inc(s->stats->ended);

	old = rhashtable_lookup_get_insert_key(&s->bindings, &k, &b->node,
					       ip_vs_sip_rht_params);
	if (old) {
		/* Another CPU bound it just now, or the table refused. */
		atomic_dec(&s->nbindings);
		kfree(b);
		if (IS_ERR(old)) {
			this_cpu_inc(s->stats->refused);
			return IP_VS_SIP_RS_REFUSED;
		}
		return ip_vs_sip_resolve(t, old) == dest ? IP_VS_SIP_RS_BOUND :
							   IP_VS_SIP_RS_OTHER;
	}
	this_cpu_inc(s->stats->created);
	return IP_VS_SIP_RS_NEW;

refused:
	atomic_dec(&s->nbindings);
	this_cpu_inc(s->stats->refused);
	return IP_VS_SIP_RS_REFUSED;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_bind_rs);

/**
 * ip_vs_sip_rs_decide - vouch for a datagram a real server sends itself
 * @s: service state
 * @t: current placement table (RCU)
 * @m: the parsed datagram, with a Call-ID
 * @dest: the server that sent it
 * @pinned: the service keeps bindings (not flag-3) and the Call-ID fits
 * @now: jiffies
 *
 * The binding decides (ip_vs_sip_bind_rs()) where there is one or one can
 * be made. Where none can (table at its cap, stateless service, Call-ID
 * too long), the consistent hash places the client's answers, so the
 * datagram is the server's when the hash picks the server. A response
 * that is still not vouched for answers a request the client sent to
 * this server: it is left to the request records (IP_VS_SIP_RS_RESPONSE),
 * which translate it when the request went this way, e.g. an INVITE that
 * reached a server before it was quiesced.
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: enum ip_vs_sip_rs_verdict, never IP_VS_SIP_RS_REFUSED.
 */
int ip_vs_sip_rs_decide(struct ip_vs_sip_svc *s,
			const struct ip_vs_sip_table *t,
			const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
			bool pinned, unsigned long now)
{
	int v = IP_VS_SIP_RS_REFUSED;

	if (pinned)
		v = ip_vs_sip_bind_rs(s, t, m, dest, now);
	if (v == IP_VS_SIP_RS_REFUSED)
		v = ip_vs_sip_table_pick(t, ip_vs_sip_hash_key(t, m->callid,
							       m->callid_len)) ==
		    dest ? IP_VS_SIP_RS_BOUND : IP_VS_SIP_RS_OTHER;
	if (v == IP_VS_SIP_RS_OTHER && (m->flags & IP_VS_SIP_F_RESPONSE))
		v = IP_VS_SIP_RS_RESPONSE;
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_rs_decide);

/* Remove one binding; the caller walks the table. */
static void ip_vs_sip_unbind(struct ip_vs_sip_svc *s,
			     struct ip_vs_sip_binding *b)
{
	if (!rhashtable_remove_fast(&s->bindings, &b->node,
				    ip_vs_sip_rht_params)) {
		atomic_dec(&s->nbindings);
		kfree_rcu(b, rcu);
	}
}

/*
 * Walk every binding, removing those @expired() selects. Process context;
 * may sleep between chunks. Return: the number removed.
 */
unsigned int ip_vs_sip_walk(struct ip_vs_sip_svc *s,
			    bool (*expired)(struct ip_vs_sip_binding *,
					    unsigned long),
			    unsigned long arg)
{
	struct rhashtable_iter it;
	struct ip_vs_sip_binding *b;
	unsigned int removed = 0, seen = 0;

	rhashtable_walk_enter(&s->bindings, &it);
	rhashtable_walk_start(&it);
	while ((b = ip_vs_udp_walk_next(&it, &seen))) {
		if (expired(b, arg)) {
			ip_vs_sip_unbind(s, b);
			removed++;
		}
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	return removed;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_walk);

struct ip_vs_sip_gc_ctx {
	unsigned long	now;
	unsigned long	next;	/* earliest expiry of the bindings kept */
};

static bool ip_vs_sip_is_expired(struct ip_vs_sip_binding *b,
				 unsigned long arg)
{
	struct ip_vs_sip_gc_ctx *c = (struct ip_vs_sip_gc_ctx *)arg;
	unsigned long exp = READ_ONCE(b->expires);

	if (time_after(c->now, exp))
		return true;
	if (time_before(exp, c->next))
		c->next = exp;
	return false;
}

static bool ip_vs_sip_any(struct ip_vs_sip_binding *b, unsigned long arg)
{
	return true;
}

/*
 * Longest time ip_vs_sip_gc() goes without walking: keeps gc_next within
 * reach of time_before() and bounds how late a binding whose expiry a
 * racing walk missed is collected.
 */
#define IP_VS_SIP_GC_MAX_SKIP	(64 * HZ)

/*
 * Remove expired bindings. Return: how many.
 *
 * The walk over every binding is skipped while @now is not past gc_next,
 * the earliest expiry of the bindings the last walk kept or of any binding
 * written since (ip_vs_sip_gc_lower()): nothing can have expired. A table
 * that only fills (a burst of new calls, bindings of at least
 * transaction_timeout) costs no walk until its first binding expires.
 */
unsigned int ip_vs_sip_gc(struct ip_vs_sip_svc *s, unsigned long now)
{
	struct ip_vs_sip_gc_ctx c = {
		.now = now,
		.next = now + IP_VS_SIP_GC_MAX_SKIP,
	};
	unsigned int n;

	if (READ_ONCE(s->gc_valid) &&
	    !time_after(now, READ_ONCE(s->gc_next)))
		return 0;
	/* Writers from here on lower it below the walk's own result. */
	WRITE_ONCE(s->gc_next, c.next);
	/*
	 * The reset before the walk's reads of b->expires. Writers have no
	 * matching barrier on the packet path: one that races with the walk
	 * may be missed, and its binding is then collected by a later walk
	 * (at most IP_VS_SIP_GC_MAX_SKIP later); lookups check the expiry
	 * themselves, so this only delays freeing the memory.
	 */
	smp_mb();
	n = ip_vs_sip_walk(s, ip_vs_sip_is_expired, (unsigned long)&c);
	ip_vs_sip_gc_lower(s, c.next);
	WRITE_ONCE(s->gc_valid, true);
	this_cpu_add(s->stats->expired, n);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_gc);

/* Remove every binding. Return: how many. */
unsigned int ip_vs_sip_flush(struct ip_vs_sip_svc *s)
{
	return ip_vs_sip_walk(s, ip_vs_sip_any, 0);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_flush);

void ip_vs_sip_stats_sum(const struct ip_vs_sip_svc *s,
			 struct ip_vs_sip_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ip_vs_sip_stats *c = per_cpu_ptr(s->stats, cpu);

		sum->messages += READ_ONCE(c->messages);
		sum->parsed += READ_ONCE(c->parsed);
		sum->nokey += READ_ONCE(c->nokey);
		sum->oversized += READ_ONCE(c->oversized);
		sum->hits += READ_ONCE(c->hits);
		sum->created += READ_ONCE(c->created);
		sum->expired += READ_ONCE(c->expired);
		sum->moved += READ_ONCE(c->moved);
		sum->refused += READ_ONCE(c->refused);
		sum->ended += READ_ONCE(c->ended);
		sum->nodest += READ_ONCE(c->nodest);
		sum->toolong += READ_ONCE(c->toolong);
	}
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_stats_sum);

/*
 * Single-binding access for the netlink operations (ip_vs_sip_nl.c): one
 * hash lookup by Call-ID, never a walk. The binding hash of a key is its
 * SipHash under s->bkey, whatever the placement seed is now (see
 * ip_vs_sip_bind_hash()).
 */

/**
 * ip_vs_sip_lookup - the binding of one Call-ID, expired or not
 * @s: service state
 * @key: the Call-ID
 * @len: its length, 1..IP_VS_SIP_CALLID_MAX
 *
 * Under rcu_read_lock(); the binding stays valid until rcu_read_unlock().
 *
 * Return: the binding, or NULL.
 */
struct ip_vs_sip_binding *ip_vs_sip_lookup(struct ip_vs_sip_svc *s,
					   const u8 *key, u32 len)
{
	struct ip_vs_sip_lookup_key k = {
		.key = key,
		.len = len,
		.hash = siphash(key, len, &s->bkey),
	};

	return rhashtable_lookup(&s->bindings, &k, ip_vs_sip_rht_params);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_lookup);

/**
 * ip_vs_sip_unbind_key - remove the binding of one Call-ID
 * @s: service state
 * @key: the Call-ID
 * @len: its length, 1..IP_VS_SIP_CALLID_MAX
 *
 * Process or softirq context; one hash lookup.
 *
 * Return: true when this call removed it.
 */
bool ip_vs_sip_unbind_key(struct ip_vs_sip_svc *s, const u8 *key, u32 len)
{
	struct ip_vs_sip_binding *b;
	bool removed = false;

	rcu_read_lock();
	b = ip_vs_sip_lookup(s, key, len);
	if (b && !rhashtable_remove_fast(&s->bindings, &b->node,
					 ip_vs_sip_rht_params)) {
		atomic_dec(&s->nbindings);
		kfree_rcu(b, rcu);
		removed = true;
	}
	rcu_read_unlock();
	return removed;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_sip_unbind_key);
