// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed affinity for IPVS schedulers: the binding table.
 *
 * Open addressing over buckets of IP_VS_KAFF_SLOTS slots. A slot holds a
 * binding's pointer and a 32-bit tag: its SipHash mixed with the table's
 * random seed. The low bits of the tag choose the key's home bucket; a
 * binding is stored in the first free slot from its home bucket on, at most
 * IP_VS_KAFF_PROBE buckets on, and every bucket it passed counts it in its
 * @spill, so that a lookup stops at the first bucket with no spill.
 *
 * Why not the kernel's rhashtable, which the bindings used before: a SIP
 * director sees a key it does not hold for every new call, and binds it.
 * Profiled with a new Call-ID in every message (docs/benchmarks.md),
 * rhashtable spent most of that path touching bindings that were not the
 * key: comparing the elements of a bucket's chain on every miss, and
 * reading every element again to rehash it each time the table doubled.
 * Here a miss reads its home bucket's tags (one cache line on 64-bit, more
 * only while buckets spill), an insert writes the same line, and a resize
 * moves pointers by their tags without reading one binding.
 *
 * Concurrency. Lookups are lock-free under RCU. Inserts come from the
 * packet path and take @lock. Removals and resizes run only in process
 * context (the collector, netlink operations, destination events) and hold
 * @walk_mutex as well, and pin the table (@pinned) so that a walk never
 * sees it replaced. A resize copies the current table into one of the new
 * size a chunk of buckets at a time, with @lock held for each chunk; the
 * current table stays complete and in use, and an insert into a bucket the
 * copy has passed goes into both, so that the new table is complete when
 * it is published. Readers never look at two tables.
 *
 * Size. A table grows when five eighths of its slots are in use and
 * shrinks when fewer than a sixteenth are, to one where five sixteenths or
 * fewer are. With random tags, linear probing over buckets of five slots
 * first finds IP_VS_KAFF_PROBE buckets in a row full at about 83% of the
 * slots in use (a simulation of 2^16 buckets), and a lookup of a missing
 * key reads 1.07 buckets on average at half the slots in use, 1.24 at five
 * eighths. A table of up to IP_VS_KAFF_TAB_INLINE buckets grows on the
 * packet path, by the insert that fills it, unless the table is pinned: a
 * bounded copy (at most 3,200 pointers), so that a burst of new keys at a
 * service's start is not refused while the workqueue has not run yet.
 * Larger tables are resized on the core's workqueue; until it has run, the
 * fifth of the slots left before probes start to fail takes the inserts.
 * The cap on bindings is the scheduler's (max_bindings): the table only
 * follows the count.
 */
#include <kunit/visibility.h>
#include <linux/jhash.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "ip_vs_kaff.h"

#ifndef IP_VS_KAFF_TAB_MIN	/* the fuzzer starts from 1, to resize often */
#define IP_VS_KAFF_TAB_MIN	8
#endif
/*
 * Largest table: 2^24 buckets, 80M slots, 1 GiB on 64-bit (kvmalloc()
 * takes at most INT_MAX bytes); full at 52M bindings.
 */
#define IP_VS_KAFF_TAB_MAX	BIT(24)
/* Buckets a resize copies with the lock held */
#define IP_VS_KAFF_TAB_CHUNK	1024
/* Largest table that grows inline, on the packet path */
#define IP_VS_KAFF_TAB_INLINE	1024

static u32 ip_vs_kaff_tag(const struct ip_vs_kaff_tab *t, u64 hash)
{
	return jhash_2words((u32)hash, (u32)(hash >> 32), t->seed);
}

unsigned int ip_vs_kaff_tab_buckets(const struct ip_vs_kaff_tab *t)
{
	return t->mask + 1;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_tab_buckets);

static struct ip_vs_kaff_tab *ip_vs_kaff_tab_alloc(unsigned int buckets,
						   u32 seed, gfp_t gfp)
{
	struct ip_vs_kaff_tab *t;

	t = kzalloc(sizeof(*t), gfp);
	if (!t)
		return NULL;
	/*
	 * A power of 2 of buckets (of 64 bytes on 64-bit, each then in one
	 * cache line). With GFP_ATOMIC kvcalloc() is kcalloc().
	 */
	t->bkt = kvcalloc(buckets, sizeof(*t->bkt), gfp | __GFP_NOWARN);
	if (!t->bkt) {
		kfree(t);
		return NULL;
	}
	t->mask = buckets - 1;
	t->seed = seed;
	return t;
}

static void ip_vs_kaff_tab_free(struct ip_vs_kaff_tab *t)
{
	kvfree(t->bkt);
	kfree(t);
}

static void ip_vs_kaff_tab_free_rcu(struct rcu_head *head)
{
	ip_vs_kaff_tab_free(container_of(head, struct ip_vs_kaff_tab, rcu));
}

int ip_vs_kaff_tab_init(struct ip_vs_kaff_svc *s)
{
	struct ip_vs_kaff_tab *t;

	spin_lock_init(&s->lock);
	mutex_init(&s->walk_mutex);
	INIT_WORK(&s->resize_work, ip_vs_kaff_tab_resize_work);
	s->resize_after = jiffies;
	t = ip_vs_kaff_tab_alloc(IP_VS_KAFF_TAB_MIN, get_random_u32(),
				 GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	RCU_INIT_POINTER(s->bindings, t);
	return 0;
}

/* Process context, no reader left: free every binding and the table. */
void ip_vs_kaff_tab_destroy(struct ip_vs_kaff_svc *s)
{
	struct ip_vs_kaff_binding *b;
	struct ip_vs_kaff_tab *t;
	unsigned int i, j;

	cancel_work_sync(&s->resize_work);
	t = rcu_dereference_protected(s->bindings, 1);
	for (i = 0; i <= t->mask; i++) {
		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			b = rcu_dereference_protected(t->bkt[i].b[j], 1);
			if (b)
				ip_vs_kaff_binding_free(b);
		}
	}
	ip_vs_kaff_tab_free(t);
	RCU_INIT_POINTER(s->bindings, NULL);
}

/**
 * ip_vs_kaff_tab_find - the binding of a key in one table
 * @t: the table (RCU)
 * @k: the key and its hash
 *
 * Under rcu_read_lock(); at most IP_VS_KAFF_PROBE buckets read, and a
 * binding only when its tag matches.
 *
 * Return: the binding, expired or not, or NULL.
 */
struct ip_vs_kaff_binding *
ip_vs_kaff_tab_find(const struct ip_vs_kaff_tab *t,
		    const struct ip_vs_kaff_lookup_key *k)
{
	u32 tag = ip_vs_kaff_tag(t, k->hash);
	unsigned int i = tag & t->mask, n, j;

	for (n = 0; n < IP_VS_KAFF_PROBE; n++) {
		const struct ip_vs_kaff_bkt *bk = &t->bkt[i];

		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			struct ip_vs_kaff_binding *b;

			if (READ_ONCE(bk->tag[j]) != tag)
				continue;
			b = rcu_dereference(bk->b[j]);
			if (b && b->hash == k->hash && b->len == k->len &&
			    !memcmp(b->key, k->key, k->len))
				return b;
		}
		if (!READ_ONCE(bk->spill))
			break;
		i = (i + 1) & t->mask;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_tab_find);

/*
 * Store @b with @tag in the first free slot from its home bucket on.
 * Under the table's writer lock. Return: the bucket, or -ENOSPC.
 */
static int ip_vs_kaff_tab_add(struct ip_vs_kaff_tab *t,
			      struct ip_vs_kaff_binding *b, u32 tag)
{
	unsigned int h = tag & t->mask, i = h, n, j;

	for (n = 0; n < IP_VS_KAFF_PROBE; n++) {
		struct ip_vs_kaff_bkt *bk = &t->bkt[i];

		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			if (rcu_access_pointer(bk->b[j]))
				continue;
			/* Spills first: a reader may then read too far. */
			for (; h != i; h = (h + 1) & t->mask)
				WRITE_ONCE(t->bkt[h].spill,
					   t->bkt[h].spill + 1);
			WRITE_ONCE(bk->tag[j], tag);
			rcu_assign_pointer(bk->b[j], b);
			return i;
		}
		i = (i + 1) & t->mask;
	}
	return -ENOSPC;
}

/* More than five eighths of the slots of @buckets in use: grow. */
static bool ip_vs_kaff_tab_full(unsigned int buckets, unsigned int n)
{
	return (u64)n * 8 > (u64)buckets * IP_VS_KAFF_SLOTS * 5 &&
	       buckets < IP_VS_KAFF_TAB_MAX;
}

/* Fewer than a sixteenth: shrink. */
static bool ip_vs_kaff_tab_sparse(unsigned int buckets, unsigned int n)
{
	return (u64)n * 16 < (u64)buckets * IP_VS_KAFF_SLOTS &&
	       buckets > IP_VS_KAFF_TAB_MIN;
}

/*
 * The size for @n bindings of a table of @buckets: doubled until no longer
 * full (five sixteenths of the slots in use after one doubling), or halved
 * while the half would have at most five sixteenths in use.
 */
static unsigned int ip_vs_kaff_tab_want(unsigned int buckets, unsigned int n)
{
	if (ip_vs_kaff_tab_full(buckets, n)) {
		while (ip_vs_kaff_tab_full(buckets, n))
			buckets *= 2;
	} else if (ip_vs_kaff_tab_sparse(buckets, n)) {
		while (buckets > IP_VS_KAFF_TAB_MIN &&
		       (u64)n * 16 <= (u64)(buckets / 2) * IP_VS_KAFF_SLOTS * 5)
			buckets /= 2;
	}
	return buckets;
}

/*
 * Copy the bindings of buckets @from to @to - 1 of @t into @new, by their
 * tags (no binding is read). Under @lock, which keeps inserts from writing
 * the slots read. Return: false when one found no free slot in @new.
 */
static bool ip_vs_kaff_tab_copy(struct ip_vs_kaff_svc *s,
				const struct ip_vs_kaff_tab *t,
				struct ip_vs_kaff_tab *new, unsigned int from,
				unsigned int to)
{
	struct ip_vs_kaff_binding *b;
	bool ok = true;
	unsigned int j;

	for (; from < to; from++) {
		const struct ip_vs_kaff_bkt *bk = &t->bkt[from];

		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			b = rcu_dereference_protected(bk->b[j],
						      lockdep_is_held(&s->lock));
			if (b && ip_vs_kaff_tab_add(new, b, bk->tag[j]) < 0)
				ok = false;
		}
	}
	return ok;
}

/*
 * Grow a small table now, on the packet path: copy it whole into one of
 * the size for @n bindings and publish that. Under @lock, with no walk or
 * resize under way (they hold on to the current table). Return: the table
 * now in use.
 */
static struct ip_vs_kaff_tab *ip_vs_kaff_tab_grow(struct ip_vs_kaff_svc *s,
						  struct ip_vs_kaff_tab *t,
						  unsigned int n)
{
	struct ip_vs_kaff_tab *new;

	new = ip_vs_kaff_tab_alloc(ip_vs_kaff_tab_want(t->mask + 1, n),
				   t->seed, GFP_ATOMIC);
	if (!new)
		return t;
	if (!ip_vs_kaff_tab_copy(s, t, new, 0, t->mask + 1)) {
		ip_vs_kaff_tab_free(new);
		return t;
	}
	new->gen = t->gen + 1;
	rcu_assign_pointer(s->bindings, new);
	call_rcu(&t->rcu, ip_vs_kaff_tab_free_rcu);
	return new;
}

/**
 * ip_vs_kaff_tab_insert - add a new binding unless its key has one
 * @s: service state
 * @b: the binding, its key and hash set
 * @k: the same key
 * @other: set to the key's binding when it has one
 *
 * Packet path, under rcu_read_lock(); never sleeps; bounded work.
 *
 * Return: 0 when added; -EEXIST when the key has a binding (another CPU
 * bound it first); -ENOSPC when no slot is free within reach.
 */
int ip_vs_kaff_tab_insert(struct ip_vs_kaff_svc *s,
			  struct ip_vs_kaff_binding *b,
			  const struct ip_vs_kaff_lookup_key *k,
			  struct ip_vs_kaff_binding **other)
{
	struct ip_vs_kaff_binding *old;
	struct ip_vs_kaff_tab *t;
	unsigned int n;
	bool full;
	u32 tag;
	int pos;

	spin_lock_bh(&s->lock);
	t = rcu_dereference_protected(s->bindings, lockdep_is_held(&s->lock));
	old = ip_vs_kaff_tab_find(t, k);
	if (old) {
		spin_unlock_bh(&s->lock);
		*other = old;
		return -EEXIST;
	}
	n = atomic_read(&s->nbindings);
	if (ip_vs_kaff_tab_full(t->mask + 1, n) &&
	    t->mask < IP_VS_KAFF_TAB_INLINE &&
	    !s->pinned)
		t = ip_vs_kaff_tab_grow(s, t, n);
	tag = ip_vs_kaff_tag(t, b->hash);
	pos = ip_vs_kaff_tab_add(t, b, tag);
	/* A resize copied this bucket already: the new table needs it too. */
	if (pos >= 0 && s->next && pos < s->next_pos &&
	    ip_vs_kaff_tab_add(s->next, b, tag) < 0)
		s->next_failed = true;
	full = ip_vs_kaff_tab_full(t->mask + 1, n);
	spin_unlock_bh(&s->lock);
	if (full)
		ip_vs_kaff_svc_kick_resize(s);
	return pos < 0 ? -ENOSPC : 0;
}

/**
 * ip_vs_kaff_tab_pin - hold the binding table in place for a walk
 * @s: service state
 *
 * Process context, @walk_mutex held: no resize runs, and no insert grows
 * the table inline until ip_vs_kaff_tab_unpin().
 *
 * Return: the table.
 */
struct ip_vs_kaff_tab *ip_vs_kaff_tab_pin(struct ip_vs_kaff_svc *s)
{
	struct ip_vs_kaff_tab *t;

	lockdep_assert_held(&s->walk_mutex);
	spin_lock_bh(&s->lock);
	s->pinned++;
	t = rcu_dereference_protected(s->bindings, lockdep_is_held(&s->lock));
	spin_unlock_bh(&s->lock);
	return t;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_kaff_tab_pin);

/*
 * Let go of the table. Removals while it was pinned may have left it
 * mostly empty: then it is shrunk, on the workqueue.
 */
void ip_vs_kaff_tab_unpin(struct ip_vs_kaff_svc *s)
{
	const struct ip_vs_kaff_tab *t;
	bool sparse;

	spin_lock_bh(&s->lock);
	s->pinned--;
	t = rcu_dereference_protected(s->bindings, lockdep_is_held(&s->lock));
	sparse = ip_vs_kaff_tab_sparse(t->mask + 1,
				       atomic_read(&s->nbindings));
	spin_unlock_bh(&s->lock);
	if (sparse)
		ip_vs_kaff_svc_kick_resize(s);
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_kaff_tab_unpin);

/**
 * ip_vs_kaff_tab_remove_at - remove the binding in one slot
 * @s: service state
 * @t: its table, from ip_vs_kaff_tab_pin()
 * @i: the bucket
 * @j: the slot, which holds a binding
 * @still: NULL, or asked again under @lock, where an expired binding is
 *         revived (ip_vs_kaff_bind.c): the binding stays when it says no
 * @arg: for @still
 *
 * Process context, @walk_mutex held and the table pinned, under
 * rcu_read_lock(). The binding is freed after a grace period.
 *
 * Return: true when removed.
 */
bool ip_vs_kaff_tab_remove_at(struct ip_vs_kaff_svc *s,
			      struct ip_vs_kaff_tab *t, unsigned int i,
			      unsigned int j,
			      bool (*still)(struct ip_vs_kaff_binding *,
					    unsigned long),
			      unsigned long arg)
{
	struct ip_vs_kaff_bkt *bk = &t->bkt[i];
	struct ip_vs_kaff_binding *b;
	unsigned int h;

	lockdep_assert_held(&s->walk_mutex);
	spin_lock_bh(&s->lock);
	/* Only removals empty a slot, and they hold @walk_mutex. */
	b = rcu_dereference_protected(bk->b[j], lockdep_is_held(&s->lock));
	if (still && !still(b, arg)) {
		spin_unlock_bh(&s->lock);
		return false;
	}
	RCU_INIT_POINTER(bk->b[j], NULL);
	for (h = bk->tag[j] & t->mask; h != i; h = (h + 1) & t->mask)
		WRITE_ONCE(t->bkt[h].spill, t->bkt[h].spill - 1);
	spin_unlock_bh(&s->lock);
	atomic_dec(&s->nbindings);
	ip_vs_kaff_binding_free_rcu(b);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(ip_vs_kaff_tab_remove_at);

/**
 * ip_vs_kaff_tab_remove - remove one binding
 * @s: service state
 * @t: its table, from ip_vs_kaff_tab_pin()
 * @b: a binding found in @t, under the same rcu_read_lock()
 *
 * Process context, @walk_mutex held and the table pinned, under
 * rcu_read_lock().
 *
 * Return: true when this call removed it.
 */
bool ip_vs_kaff_tab_remove(struct ip_vs_kaff_svc *s, struct ip_vs_kaff_tab *t,
			   struct ip_vs_kaff_binding *b)
{
	unsigned int i, n, j;

	lockdep_assert_held(&s->walk_mutex);
	i = ip_vs_kaff_tag(t, b->hash) & t->mask;
	for (n = 0; n < IP_VS_KAFF_PROBE; n++) {
		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			if (rcu_access_pointer(t->bkt[i].b[j]) == b) {
				return ip_vs_kaff_tab_remove_at(s, t, i, j,
								NULL, 0);
			}
		}
		i = (i + 1) & t->mask;
	}
	return false;
}

/**
 * ip_vs_kaff_tab_resize - move the bindings to a table of the right size
 * @s: service state
 *
 * Process context; sleeps. Does nothing when the table's size suits the
 * number of bindings, or when memory for a new one is short (the current
 * table goes on; an insert finding no free slot is refused and counted).
 */
void ip_vs_kaff_tab_resize(struct ip_vs_kaff_svc *s)
{
	struct ip_vs_kaff_tab *old, *new, *drop;
	unsigned int n, want, pos, end;

	mutex_lock(&s->walk_mutex);
	clear_bit(0, &s->resize_queued);
	old = ip_vs_kaff_tab_pin(s);
	n = atomic_read(&s->nbindings);
	want = ip_vs_kaff_tab_want(old->mask + 1, n);
	if (want == old->mask + 1)
		goto unpin;
	new = ip_vs_kaff_tab_alloc(want, old->seed, GFP_KERNEL);
	if (!new) {
		/* Memory is short: let inserts ask again a second later. */
		WRITE_ONCE(s->resize_after, jiffies + HZ);
		goto unpin;
	}
	new->gen = old->gen + 1;

	for (pos = 0; pos <= old->mask; pos = end) {
		end = min(pos + IP_VS_KAFF_TAB_CHUNK, old->mask + 1);
		spin_lock_bh(&s->lock);
		if (!ip_vs_kaff_tab_copy(s, old, new, pos, end))
			s->next_failed = true;
		s->next = new;
		s->next_pos = end;
		spin_unlock_bh(&s->lock);
		cond_resched();
	}

	spin_lock_bh(&s->lock);
	if (s->next_failed) {
		drop = new;
	} else {
		rcu_assign_pointer(s->bindings, new);
		drop = old;
	}
	s->next = NULL;
	s->next_pos = 0;
	s->next_failed = false;
	spin_unlock_bh(&s->lock);
	call_rcu(&drop->rcu, ip_vs_kaff_tab_free_rcu);
unpin:
	ip_vs_kaff_tab_unpin(s);
	mutex_unlock(&s->walk_mutex);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_tab_resize);

void ip_vs_kaff_tab_resize_work(struct work_struct *work)
{
	ip_vs_kaff_tab_resize(container_of(work, struct ip_vs_kaff_svc,
					   resize_work));
}
