// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed affinity for IPVS schedulers: sticky key bindings.
 *
 * A per-service table binds each key to the real server its first
 * datagram went to, so that every later datagram with the key (requests,
 * responses and retransmissions, from any source address or port) reaches
 * the same server while that server is usable, even after the server set
 * changed and the consistent hash would now choose another one.
 *
 * A binding lives in one of its scheduler's states (a SIP dialog, a RADIUS
 * conversation); the scheduler says which state a new binding starts in
 * and for how long (struct ip_vs_kaff_req), and moves the bindings it is
 * handed back (ip_vs_kaff_bind()'s @hit) on from there with
 * ip_vs_kaff_set_expires(). The core expires them.
 *
 * Memory is bounded: at max_bindings new keys are still placed by the
 * consistent hash, just not pinned, and counted as refused; existing
 * bindings are never evicted to make room, so a flood of random keys
 * cannot push established conversations off their servers.
 *
 * Lookups are lock-free (ip_vs_kaff_tab.c, RCU). Bindings are removed by a
 * periodic walk (ip_vs_kaff_gc) and freed after a grace period; the walk
 * is skipped while no binding can have expired yet (ip_vs_kaff_gc_lower()).
 *
 * A datagram's key is hashed once: the SipHash that places a new key
 * (ip_vs_kaff_hash_key()) is stored in the binding and is what the binding
 * table hashes and compares first. The table's buckets come from that
 * 64-bit value mixed with the binding table's own random seed, so a known
 * placement seed does not let anyone aim keys at one bucket. When the
 * service's seed changes, the placement hash no longer matches the stored
 * ones and the key is hashed a second time with the service's first key
 * (ip_vs_kaff_svc.bkey), so existing bindings are still found.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "ip_vs_kaff.h"

/*
 * The binding hash of @r's key: its placement hash itself while the
 * placement table still uses the key the bindings were hashed with (the
 * seed never changed), else a second SipHash under that first key.
 */
static u64 ip_vs_kaff_bind_hash(const struct ip_vs_kaff_svc *s,
				const struct ip_vs_kaff_table *t,
				const struct ip_vs_kaff_req *r)
{
	if (likely(t->key.key[0] == s->bkey.key[0] &&
		   t->key.key[1] == s->bkey.key[1]))
		return r->hash;
	return siphash(r->key, r->len, &s->bkey);
}

/*
 * Bindings never expire before s->gc_next: lower it to @exp when a
 * binding's expiry is set earlier. Racing writers are resolved with
 * cmpxchg; a binding whose expiry a racing walk misses is collected by a
 * later walk (ip_vs_kaff_gc() walks at least every IP_VS_KAFF_GC_MAX_SKIP).
 */
void ip_vs_kaff_gc_lower(struct ip_vs_kaff_svc *s, unsigned long exp)
{
	unsigned long old = READ_ONCE(s->gc_next);

	while (time_before(exp, old)) {
		unsigned long cur = cmpxchg(&s->gc_next, old, exp);

		if (cur == old)
			break;
		old = cur;
	}
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_gc_lower);

/*
 * Bindings come from caches of their own, one per 8 bytes of key length:
 * kmalloc's size classes (96, 128, 192, 256, 512) would waste up to 255
 * bytes a binding, and the slab allocator merges a cache with any other
 * of its size anyway. With the 48-byte head, a binding is at most 7 bytes
 * larger than its key needs.
 */
#define IP_VS_KAFF_KEY_STEP	8
#define IP_VS_KAFF_NCACHES	DIV_ROUND_UP(IP_VS_KAFF_KEY_MAX, \
					     IP_VS_KAFF_KEY_STEP)

static struct kmem_cache *ip_vs_kaff_caches[IP_VS_KAFF_NCACHES];

static struct kmem_cache *ip_vs_kaff_cache(u32 len)
{
	return ip_vs_kaff_caches[(len - 1) / IP_VS_KAFF_KEY_STEP];
}

/* Module init and exit (ip_vs_kaff_svc.c). */
int ip_vs_kaff_caches_init(void)
{
	unsigned int i, size;
	char name[32];

	/* The head that 96 bytes with a 46-byte Call-ID leave */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) &&
		     sizeof(struct ip_vs_kaff_binding) > 48);
	for (i = 0; i < IP_VS_KAFF_NCACHES; i++) {
		size = sizeof(struct ip_vs_kaff_binding) +
		       (i + 1) * IP_VS_KAFF_KEY_STEP;
		snprintf(name, sizeof(name), "ip_vs_kaff_binding-%u", size);
		ip_vs_kaff_caches[i] = kmem_cache_create(name, size, 0, 0,
							 NULL);
		if (!ip_vs_kaff_caches[i]) {
			ip_vs_kaff_caches_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/* After rcu_barrier(): no binding is left, nor any on its way out. */
void ip_vs_kaff_caches_exit(void)
{
	unsigned int i;

	for (i = 0; i < IP_VS_KAFF_NCACHES; i++) {
		kmem_cache_destroy(ip_vs_kaff_caches[i]);
		ip_vs_kaff_caches[i] = NULL;
	}
}

/* A binding for a key of @len bytes (1..IP_VS_KAFF_KEY_MAX), not set up */
static struct ip_vs_kaff_binding *ip_vs_kaff_binding_alloc(u32 len)
{
	if (WARN_ON_ONCE(!len || len > IP_VS_KAFF_KEY_MAX))
		return NULL;
	return kmem_cache_alloc(ip_vs_kaff_cache(len), GFP_ATOMIC);
}

/* A binding no reader can see (never published, or after a grace period) */
void ip_vs_kaff_binding_free(struct ip_vs_kaff_binding *b)
{
	kmem_cache_free(ip_vs_kaff_cache(b->len), b);
}

static void ip_vs_kaff_binding_free_cb(struct rcu_head *head)
{
	ip_vs_kaff_binding_free(container_of(head, struct ip_vs_kaff_binding,
					     rcu));
}

/*
 * A binding just taken out of the table, freed after a grace period.
 * call_rcu() rather than kfree_rcu(): the module's rcu_barrier() waits for
 * it before the caches go, on every kernel (kfree_rcu() batches are only
 * waited for by kvfree_rcu_barrier(), which older kernels lack).
 */
void ip_vs_kaff_binding_free_rcu(struct ip_vs_kaff_binding *b)
{
	call_rcu(&b->rcu, ip_vs_kaff_binding_free_cb);
}

int ip_vs_kaff_bindings_init(struct ip_vs_kaff_svc *s)
{
	atomic_set(&s->nbindings, 0);
	/*
	 * The placement key the table will be built with
	 * (ip_vs_kaff_table_build()): while they are equal, a datagram's
	 * placement hash is also its binding hash. Were they to differ, every
	 * binding lookup would hash twice, still correctly.
	 */
	s->bkey.key[0] = s->conf.seed;
	s->bkey.key[1] = s->conf.seed ^ 0x736970206d61676cULL;
	s->gc_valid = false;
	return ip_vs_kaff_tab_init(s);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_bindings_init);

/* Process context, no reader left (after a grace period). */
void ip_vs_kaff_bindings_destroy(struct ip_vs_kaff_svc *s)
{
	ip_vs_kaff_tab_destroy(s);
	atomic_set(&s->nbindings, 0);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_bindings_destroy);

/*
 * The table entry of a binding's server, or NULL when the server is no
 * longer in the service. The binding's index hint is right until the
 * table is rebuilt with servers before it added or removed; then the
 * first datagram of each key finds the server again in the table's index
 * by pointer (b->dest may be gone and is never read) and refreshes the
 * hint.
 */
static struct ip_vs_dest *ip_vs_kaff_resolve(const struct ip_vs_kaff_table *t,
					     struct ip_vs_kaff_binding *b)
{
	struct ip_vs_dest *want = READ_ONCE(b->dest);
	unsigned int i = READ_ONCE(b->hint);
	int j;

	if (i < t->ndests && t->dests[i] == want)
		return want;
	j = ip_vs_kaff_table_index(t, want);
	if (j < 0)
		return NULL;
	WRITE_ONCE(b->hint, j);
	return want;
}

/*
 * Does a bound key stay on its server? While the server has a weight,
 * yes (an overloaded server only takes no new conversations). A quiesced
 * server (weight 0) keeps its conversations until they end (drain),
 * unless the service asks to move them now (@move_quiesced).
 */
static bool ip_vs_kaff_keep(const struct ip_vs_dest *d, bool move_quiesced)
{
	return atomic_read(&d->weight) > 0 || !move_quiesced;
}

/*
 * What a binding starts its life with, new or revived (@d at @idx, @r's
 * state and timeout). A revived one is visible to readers: single writes.
 */
static void ip_vs_kaff_start(struct ip_vs_kaff_svc *s,
			     struct ip_vs_kaff_binding *b,
			     const struct ip_vs_kaff_req *r,
			     struct ip_vs_dest *d, u16 idx, unsigned long now)
{
	WRITE_ONCE(b->state, r->state);
	WRITE_ONCE(b->hint, idx);
	WRITE_ONCE(b->dest, d);
	WRITE_ONCE(b->created, (u32)ktime_get_seconds());
	WRITE_ONCE(b->last_use, (u32)now);
	ip_vs_kaff_set_expires(s, b, now + r->timeout);
}

/*
 * A binding expired but not yet collected starts again as a new one.
 *
 * Under the table's writer lock, where the collector decides again whether
 * to remove an expired binding (ip_vs_kaff_gc()): either it sees the
 * binding revived and keeps it, or it removed it first and this finds it
 * gone, and the key is bound anew. Without the lock, a binding revived
 * right after the collector found it expired was removed all the same, and
 * the key's next datagram could go elsewhere: for a request a real server
 * sent (ip_vs_kaff_bind_rs()), to a server other than the one that must
 * get the answer. The same lock orders two CPUs that found it expired: the
 * second finds it live, revived by the first, which decides.
 *
 * Return: 0 when revived; -ENOENT when the binding is gone; -EEXIST when
 * another CPU revived it first.
 */
static int ip_vs_kaff_reuse(struct ip_vs_kaff_svc *s,
			    struct ip_vs_kaff_binding *b,
			    const struct ip_vs_kaff_lookup_key *k,
			    const struct ip_vs_kaff_req *r,
			    struct ip_vs_dest *d, u16 idx, unsigned long now)
{
	struct ip_vs_kaff_tab *t;

	spin_lock_bh(&s->lock);
	t = rcu_dereference_protected(s->bindings, lockdep_is_held(&s->lock));
	if (ip_vs_kaff_tab_find(t, k) != b) {
		spin_unlock_bh(&s->lock);
		return -ENOENT;
	}
	if (!ip_vs_kaff_expired(b, now)) {
		spin_unlock_bh(&s->lock);
		return -EEXIST;
	}
	ip_vs_kaff_start(s, b, r, d, idx, now);
	spin_unlock_bh(&s->lock);
	this_cpu_inc(s->stats->created);
	return 0;
}

/*
 * Bind @r's key to @d with a new binding. Return: 0 when inserted;
 * -EEXIST when another CPU bound the key first (@*other is its binding);
 * -ENOSPC when none can be made (the table at its cap, memory, or no free
 * slot within reach).
 */
static int ip_vs_kaff_insert(struct ip_vs_kaff_svc *s,
			     const struct ip_vs_kaff_req *r,
			     const struct ip_vs_kaff_lookup_key *k,
			     struct ip_vs_dest *d, u16 idx, unsigned long now,
			     struct ip_vs_kaff_binding **other)
{
	struct ip_vs_kaff_binding *b, *old;
	int ret;

	if (atomic_inc_return(&s->nbindings) > READ_ONCE(s->conf.max_bindings))
		goto refused;
	b = ip_vs_kaff_binding_alloc(r->len);
	if (!b)
		goto refused;
	b->hash = k->hash;
	b->len = r->len;
	memcpy(b->key, r->key, r->len);
	ip_vs_kaff_start(s, b, r, d, idx, now);

	ret = ip_vs_kaff_tab_insert(s, b, k, &old);
	if (!ret) {
		this_cpu_inc(s->stats->created);
		return 0;
	}
	ip_vs_kaff_binding_free(b);
	if (ret != -EEXIST)
		goto refused;
	/* Lost a race with another CPU. */
	atomic_dec(&s->nbindings);
	*other = old;
	return -EEXIST;

refused:
	atomic_dec(&s->nbindings);
	this_cpu_inc(s->stats->refused);
	return -ENOSPC;
}

/**
 * ip_vs_kaff_bind - the server for a datagram with a key
 * @s: service state
 * @t: current placement table (RCU)
 * @r: the key, its placement hash, and a new binding's state and timeout
 * @move_quiesced: move bindings off servers with weight 0 (default: drain)
 * @now: jiffies (a parameter so that tests control the clock)
 * @hit: set to the binding found in force, which the caller refreshes
 *       for this datagram (ip_vs_kaff_set_expires(), its state); NULL when
 *       the key was bound now (as @r asks) or could not be bound
 * @made: set when the key was bound now
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: the server, or NULL when no server is usable.
 */
struct ip_vs_dest *ip_vs_kaff_bind(struct ip_vs_kaff_svc *s,
				   const struct ip_vs_kaff_table *t,
				   const struct ip_vs_kaff_req *r,
				   bool move_quiesced, unsigned long now,
				   struct ip_vs_kaff_binding **hit, bool *made)
{
	struct ip_vs_kaff_lookup_key k = {
		.key = r->key,
		.len = r->len,
		.hash = ip_vs_kaff_bind_hash(s, t, r),
	};
	struct ip_vs_kaff_binding *b;
	struct ip_vs_dest *d;
	u16 idx;
	int ret;

	*hit = NULL;
	*made = false;
	b = ip_vs_kaff_tab_find(rcu_dereference(s->bindings), &k);
	if (b && !ip_vs_kaff_expired(b, now)) {
		this_cpu_inc(s->stats->hits);
		d = ip_vs_kaff_resolve(t, b);
		if (d && ip_vs_kaff_keep(d, move_quiesced)) {
			*hit = b;
			return d;
		}
		/* Its server is gone or out: move the key, keep the state. */
		d = ip_vs_kaff_table_pick_idx(t, r->hash, &idx);
		if (!d)
			return NULL;
		WRITE_ONCE(b->hint, idx);
		WRITE_ONCE(b->dest, d);
		this_cpu_inc(s->stats->moved);
		*hit = b;
		return d;
	}

	d = ip_vs_kaff_table_pick_idx(t, r->hash, &idx);
	if (!d)
		return NULL;
	ret = b ? ip_vs_kaff_reuse(s, b, &k, r, d, idx, now) : -ENOENT;
	if (ret == -ENOENT)
		ret = ip_vs_kaff_insert(s, r, &k, d, idx, now, &b);
	switch (ret) {
	case 0:
		*made = true;
		return d;
	case -EEXIST:
		/* Another CPU that bound it just now decides. */
		return ip_vs_kaff_resolve(t, b) ?: d;
	default:
		return d;
	}
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_bind);

/**
 * ip_vs_kaff_follow - the server a key is bound to, if any
 * @s: service state
 * @t: current placement table (RCU)
 * @key: the key
 * @len: its length, 1..IP_VS_KAFF_KEY_MAX
 * @move_quiesced: a server with weight 0 does not keep its keys
 * @now: jiffies
 * @hit: set to the binding in force, which the caller refreshes; NULL
 *       when none is
 *
 * Never binds: for keys that only the servers hand out (a RADIUS State),
 * so that a flood of made-up ones costs a lookup each and no memory.
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: the server while the binding is live and its server usable as
 * ip_vs_kaff_bind() would keep it, else NULL.
 */
struct ip_vs_dest *ip_vs_kaff_follow(struct ip_vs_kaff_svc *s,
				     const struct ip_vs_kaff_table *t,
				     const u8 *key, u32 len, bool move_quiesced,
				     unsigned long now,
				     struct ip_vs_kaff_binding **hit)
{
	struct ip_vs_kaff_lookup_key k = {
		.key = key,
		.len = len,
		.hash = siphash(key, len, &s->bkey),
	};
	struct ip_vs_kaff_binding *b;
	struct ip_vs_dest *d;

	*hit = NULL;
	b = ip_vs_kaff_tab_find(rcu_dereference(s->bindings), &k);
	if (!b || ip_vs_kaff_expired(b, now))
		return NULL;
	d = ip_vs_kaff_resolve(t, b);
	if (!d || !ip_vs_kaff_keep(d, move_quiesced))
		return NULL;
	this_cpu_inc(s->stats->hits);
	*hit = b;
	return d;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_follow);

/**
 * ip_vs_kaff_bind_rs - a datagram the real server @dest sends on its own
 * @s: service state
 * @t: current placement table (RCU)
 * @r: its key; a new binding's state and timeout
 * @dest: the server that sent it
 * @now: jiffies
 * @hit: set to the binding in force for @dest, which the caller refreshes
 *       (BOUND, and NEW when an existing binding moved to @dest); NULL
 *       otherwise
 *
 * A key is the server's when it is bound to it, or not bound at all
 * (first seen from it, or its binding expired, or its server left the
 * service), in which case it is bound to @dest now, so that the client's
 * answers are scheduled back to @dest. A key bound to another server of
 * the service is not @dest's to use.
 *
 * Under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: IP_VS_KAFF_RS_BOUND, _NEW, _OTHER, or _REFUSED (unbound and the
 * table is at its cap, or @dest is not in the table).
 */
int ip_vs_kaff_bind_rs(struct ip_vs_kaff_svc *s,
		       const struct ip_vs_kaff_table *t,
		       const struct ip_vs_kaff_req *r, struct ip_vs_dest *dest,
		       unsigned long now, struct ip_vs_kaff_binding **hit)
{
	struct ip_vs_kaff_lookup_key k = {
		.key = r->key,
		.len = r->len,
		.hash = siphash(r->key, r->len, &s->bkey),
	};
	struct ip_vs_kaff_binding *b;
	struct ip_vs_dest *d;
	int idx, ret;

	*hit = NULL;
	idx = ip_vs_kaff_table_find(t, dest);
	if (idx < 0)
		return IP_VS_KAFF_RS_REFUSED;

	b = ip_vs_kaff_tab_find(rcu_dereference(s->bindings), &k);
	if (b && !ip_vs_kaff_expired(b, now)) {
		this_cpu_inc(s->stats->hits);
		d = ip_vs_kaff_resolve(t, b);
		if (d == dest) {
			*hit = b;
			return IP_VS_KAFF_RS_BOUND;
		}
		if (d)
			return IP_VS_KAFF_RS_OTHER;
		/* Its server left the service: the key is the sender's. */
		WRITE_ONCE(b->hint, idx);
		WRITE_ONCE(b->dest, dest);
		this_cpu_inc(s->stats->moved);
		*hit = b;
		return IP_VS_KAFF_RS_NEW;
	}

	ret = b ? ip_vs_kaff_reuse(s, b, &k, r, dest, idx, now) : -ENOENT;
	if (ret == -ENOENT)
		ret = ip_vs_kaff_insert(s, r, &k, dest, idx, now, &b);
	switch (ret) {
	case 0:
		return IP_VS_KAFF_RS_NEW;
	case -EEXIST:
		/* Another CPU bound it just now. */
		return ip_vs_kaff_resolve(t, b) == dest ? IP_VS_KAFF_RS_BOUND :
							  IP_VS_KAFF_RS_OTHER;
	default:
		return IP_VS_KAFF_RS_REFUSED;
	}
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_bind_rs);

/*
 * Walk every binding, removing those @expired() selects; with @recheck,
 * @expired() is asked again under the table's writer lock before a
 * removal (see ip_vs_kaff_reuse()). Process context; sleeps every
 * IP_VS_KAFF_WALK_CHUNK buckets. The table is pinned: no resize runs and
 * none grows it until the walk ends, so every binding there at its start
 * and still there at its end is seen exactly once. Return: the number
 * removed.
 */
#define IP_VS_KAFF_WALK_CHUNK	256

static unsigned int __ip_vs_kaff_walk(struct ip_vs_kaff_svc *s,
				      bool (*expired)(struct ip_vs_kaff_binding *,
						      unsigned long),
				      unsigned long arg, bool recheck)
{
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_tab *t;
	unsigned int removed = 0, i, j;

	mutex_lock(&s->walk_mutex);
	t = ip_vs_kaff_tab_pin(s);
	rcu_read_lock();
	for (i = 0; i <= t->mask; i++) {
		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			b = rcu_dereference(t->bkt[i].b[j]);
			if (b && expired(b, arg) &&
			    ip_vs_kaff_tab_remove_at(s, t, i, j,
						     recheck ? expired : NULL,
						     arg))
				removed++;
		}
		if ((i + 1) % IP_VS_KAFF_WALK_CHUNK == 0) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	ip_vs_kaff_tab_unpin(s);
	mutex_unlock(&s->walk_mutex);
	return removed;
}

/* The same, for predicates with side effects: asked once per binding. */
unsigned int ip_vs_kaff_walk(struct ip_vs_kaff_svc *s,
			     bool (*expired)(struct ip_vs_kaff_binding *,
					     unsigned long),
			     unsigned long arg)
{
	return __ip_vs_kaff_walk(s, expired, arg, false);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_walk);

struct ip_vs_kaff_gc_ctx {
	unsigned long	now;
	unsigned long	next;	/* earliest expiry of the bindings kept */
};

/* Asked again under the table lock before a removal: no side effect then */
static bool ip_vs_kaff_is_expired(struct ip_vs_kaff_binding *b,
				  unsigned long arg)
{
	struct ip_vs_kaff_gc_ctx *c = (struct ip_vs_kaff_gc_ctx *)arg;
	unsigned long exp = ip_vs_kaff_expiry(b, c->now);

	if (time_after(c->now, exp))
		return true;
	if (time_before(exp, c->next))
		c->next = exp;
	return false;
}

static bool ip_vs_kaff_any(struct ip_vs_kaff_binding *b, unsigned long arg)
{
	return true;
}

/*
 * Longest time ip_vs_kaff_gc() goes without walking: keeps gc_next within
 * reach of time_before() and bounds how late a binding whose expiry a
 * racing walk missed is collected.
 */
#define IP_VS_KAFF_GC_MAX_SKIP	(64 * HZ)

/*
 * Remove expired bindings. Return: how many.
 *
 * The walk over every binding is skipped while @now is not past gc_next,
 * the earliest expiry of the bindings the last walk kept or of any binding
 * written since (ip_vs_kaff_gc_lower()): nothing can have expired. A table
 * that only fills (a burst of new keys, bindings of at least
 * the shortest timeout) costs no walk until its first binding expires.
 */
unsigned int ip_vs_kaff_gc(struct ip_vs_kaff_svc *s, unsigned long now)
{
	struct ip_vs_kaff_gc_ctx c = {
		.now = now,
		.next = now + IP_VS_KAFF_GC_MAX_SKIP,
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
	 * (at most IP_VS_KAFF_GC_MAX_SKIP later); lookups check the expiry
	 * themselves, so this only delays freeing the memory.
	 */
	smp_mb();
	n = __ip_vs_kaff_walk(s, ip_vs_kaff_is_expired, (unsigned long)&c,
			      true);
	ip_vs_kaff_gc_lower(s, c.next);
	WRITE_ONCE(s->gc_valid, true);
	this_cpu_add(s->stats->expired, n);
	return n;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_gc);

/* Remove every binding. Return: how many. */
unsigned int ip_vs_kaff_flush(struct ip_vs_kaff_svc *s)
{
	return ip_vs_kaff_walk(s, ip_vs_kaff_any, 0);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_flush);

void ip_vs_kaff_stats_sum(const struct ip_vs_kaff_svc *s,
			  struct ip_vs_kaff_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ip_vs_kaff_stats *c = per_cpu_ptr(s->stats, cpu);

		sum->messages += READ_ONCE(c->messages);
		sum->hits += READ_ONCE(c->hits);
		sum->created += READ_ONCE(c->created);
		sum->expired += READ_ONCE(c->expired);
		sum->moved += READ_ONCE(c->moved);
		sum->refused += READ_ONCE(c->refused);
		sum->nodest += READ_ONCE(c->nodest);
		for (i = 0; i < IP_VS_KAFF_NCLS; i++)
			sum->cls[i] += READ_ONCE(c->cls[i]);
	}
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_stats_sum);

/*
 * Single-binding access for the netlink operations (ip_vs_sip_nl.c): one
 * hash lookup by key, never a walk. The binding hash of a key is its
 * SipHash under s->bkey, whatever the placement seed is now (see
 * ip_vs_kaff_bind_hash()).
 */

/**
 * ip_vs_kaff_lookup - the binding of one key, expired or not
 * @s: service state
 * @key: the key
 * @len: its length, 1..IP_VS_KAFF_KEY_MAX
 *
 * Under rcu_read_lock(); the binding stays valid until rcu_read_unlock().
 *
 * Return: the binding, or NULL.
 */
struct ip_vs_kaff_binding *ip_vs_kaff_lookup(struct ip_vs_kaff_svc *s,
					     const u8 *key, u32 len)
{
	struct ip_vs_kaff_lookup_key k = {
		.key = key,
		.len = len,
		.hash = siphash(key, len, &s->bkey),
	};

	return ip_vs_kaff_tab_find(rcu_dereference(s->bindings), &k);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_lookup);

/**
 * ip_vs_kaff_unbind_key - remove the binding of one key
 * @s: service state
 * @key: the key
 * @len: its length, 1..IP_VS_KAFF_KEY_MAX
 *
 * Process context (it takes the walk mutex); one hash lookup.
 *
 * Return: true when this call removed it.
 */
bool ip_vs_kaff_unbind_key(struct ip_vs_kaff_svc *s, const u8 *key, u32 len)
{
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_tab *t;
	bool removed = false;

	mutex_lock(&s->walk_mutex);
	t = ip_vs_kaff_tab_pin(s);
	rcu_read_lock();
	/* The table pinned is the one ip_vs_kaff_lookup() reads */
	b = ip_vs_kaff_lookup(s, key, len);
	if (b)
		removed = ip_vs_kaff_tab_remove(s, t, b);
	rcu_read_unlock();
	ip_vs_kaff_tab_unpin(s);
	mutex_unlock(&s->walk_mutex);
	return removed;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_unbind_key);
