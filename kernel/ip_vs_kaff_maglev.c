// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed affinity for IPVS schedulers: weighted Maglev consistent hashing.
 *
 * The placement of a new key (a SIP Call-ID, a RADIUS conversation) must
 * be the same on every director that has the same real servers, weights
 * and seed, with no state exchanged, whatever order the servers were added
 * in. So, unlike ip_vs_mh, the
 * servers are sorted by (family, address, port) before the table is
 * populated, each server's permutation depends only on its own address and
 * the seed, and the table is rebuilt off-line and replaced as a whole
 * (RCU), never edited in place under the packet path.
 *
 * Algorithm: Eisenbud et al., "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016, section 3.4. Each server i gets
 * offset_i = h1(i) mod M and skip_i = h2(i) mod (M - 1) + 1 and fills,
 * turn by turn, the next free slot of its permutation
 * (offset_i + j * skip_i) mod M. Weights are honoured by giving server i
 * weight_i / gcd turns per round (weights reduced like ip_vs_mh does).
 * Adding or removing one of N servers changes about 1/N of the slots.
 *
 * Placement is a pure function of the current servers, their current
 * weights and the seed, whatever sequence of operations led there: a
 * server quiesced on one director (weight 1 -> 0) and added with weight 0
 * on another (ipvsadm -R, keepalived's inhibit_on_failure) give the same
 * table. So the table is built from dest->weight, not from IPVS's
 * last_weight (ip_vs_mh's choice), which depends on history. Quiescing a
 * server thus rebuilds the table like removing it would (Maglev moves a
 * little more than that server's share); calls already bound stay where
 * they are. Lookups skip servers that are unusable for a reason that is
 * not in the table (overloaded, or a weight change not yet rebuilt) by
 * rehashing the key, which spreads that share over all the others rather
 * than onto a neighbour.
 *
 * References: a table holds one on each of its servers while it is the
 * service's current table. They are dropped synchronously when the table
 * is replaced or the service is done (ip_vs_kaff_table_release()), as
 * ip_vs_mh does, never from an RCU callback: at netns exit IPVS frees its
 * trash right after the services, and a reference dropped later would
 * underflow. Packet-path readers of a replaced table stay safe without
 * them: IPVS frees a destination only once it is unreferenced and idle in
 * its trash for IP_VS_DEST_TRASH_PERIOD, or at netns exit, when no packet
 * of the namespace is in flight.
 */
#include <linux/gcd.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/bitmap.h>
#include <linux/module.h>

#include "ip_vs_kaff.h"

/* Largest number of turns per round a server gets (weights are reduced). */
#define IP_VS_KAFF_MAX_TURNS	64

struct ip_vs_kaff_perm {
	u32	next;	/* next candidate slot */
	u32	skip;
	u32	turns;
};

bool ip_vs_kaff_dest_usable(const struct ip_vs_dest *dest)
{
	return atomic_read(&dest->weight) > 0 &&
	       !(READ_ONCE(dest->flags) & IP_VS_DEST_F_OVERLOAD);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_dest_usable);

static size_t ip_vs_kaff_addr_len(int af)
{
	return af == AF_INET6 ? sizeof(struct in6_addr) : sizeof(__be32);
}

static int ip_vs_kaff_dest_cmp(const void *a, const void *b)
{
	const struct ip_vs_dest *x = *(const struct ip_vs_dest **)a;
	const struct ip_vs_dest *y = *(const struct ip_vs_dest **)b;
	int r;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	r = memcmp(&x->addr, &y->addr, ip_vs_kaff_addr_len(x->af));
	if (r)
		return r;
	if (x->port != y->port)
		return ntohs(x->port) < ntohs(y->port) ? -1 : 1;
	return 0;
}

u64 ip_vs_kaff_hash_addr(const struct ip_vs_kaff_table *t, int af,
			 const union nf_inet_addr *addr, __be16 port)
{
	struct {
		union nf_inet_addr	addr;
		__be16			port;
		u16			af;
	} __packed k;

	memset(&k, 0, sizeof(k));
	memcpy(&k.addr, addr, ip_vs_kaff_addr_len(af));
	k.port = port;
	k.af = af;
	return siphash(&k, sizeof(k), &t->key);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_hash_addr);

u64 ip_vs_kaff_hash_key(const struct ip_vs_kaff_table *t, const u8 *key,
			size_t len)
{
	return siphash(key, len, &t->key);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_hash_key);

/**
 * ip_vs_kaff_table_release - drop the table's references on its servers
 * @t: a table no longer current (or never published), or NULL
 *
 * Process context, with the table's writers serialized (the table mutex
 * of ip_vs_kaff_svc.c, or a table nobody else has seen). Readers that
 * still see @t under RCU may go on reading t->dests.
 */
void ip_vs_kaff_table_release(struct ip_vs_kaff_table *t)
{
	unsigned int i;

	if (!t || !t->held)
		return;
	t->held = false;
	for (i = 0; i < t->ndests; i++)
		ip_vs_dest_put(t->dests[i]);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_release);

/* Fill t->slot from the sorted t->dests. */
static int ip_vs_kaff_populate(struct ip_vs_kaff_table *t)
{
	const u32 m = IP_VS_KAFF_MAGLEV_SIZE;
	struct ip_vs_kaff_perm *perm;
	unsigned long *taken;
	unsigned int i, filled = 0, placed = 0;
	int g = 0, maxw = 0, shift;

	for (i = 0; i < m; i++)
		t->slot[i] = IP_VS_KAFF_NO_DEST;
	t->nlive = 0;
	if (!t->ndests)
		return 0;

	perm = kcalloc(t->ndests, sizeof(*perm), GFP_KERNEL);
	if (!perm)
		return -ENOMEM;
	/*
	 * Each weight is read once: a reseed builds without the IPVS service
	 * mutex, and a weight read twice could be 1 in the gcd and 0 in the
	 * turns, leaving no server to fill the slots with.
	 */
	for (i = 0; i < t->ndests; i++) {
		int w = atomic_read(&t->dests[i]->weight);

		perm[i].turns = max(w, 0);
		if (w <= 0)
			continue;
		t->live[t->nlive++] = i;
		g = g ? gcd(g, w) : w;
		maxw = max(maxw, w);
	}
	if (!g) {
		kfree(perm);
		return 0;	/* no server with a weight: empty table */
	}
	shift = fls(maxw / g) - ilog2(IP_VS_KAFF_MAX_TURNS);
	shift = max(shift, 0);

	taken = bitmap_zalloc(m, GFP_KERNEL);
	if (!taken) {
		kfree(perm);
		return -ENOMEM;
	}

	for (i = 0; i < t->ndests; i++) {
		struct ip_vs_dest *d = t->dests[i];
		int w = perm[i].turns;
		u64 h = ip_vs_kaff_hash_addr(t, d->af, &d->addr, d->port);

		perm[i].next = (u32)h % m;
		perm[i].skip = (u32)(h >> 32) % (m - 1) + 1;
		perm[i].turns = w > 0 ? max((w / g) >> shift, 1) : 0;
		if (perm[i].turns)
			placed++;
	}

	while (filled < m) {
		for (i = 0; i < t->ndests && filled < m; i++) {
			unsigned int turn;

			for (turn = 0; turn < perm[i].turns && filled < m;
			     turn++) {
				u32 c = perm[i].next;

				/*
				 * skip is coprime with the prime m, so the
				 * permutation visits every slot: this ends.
				 */
				while (test_bit(c, taken)) {
					c += perm[i].skip;
					if (c >= m)
						c -= m;
				}
				__set_bit(c, taken);
				t->slot[c] = i;
				perm[i].next = c;
				filled++;
			}
		}
	}

	kfree(perm);
	bitmap_free(taken);
	return placed;
}

/*
 * The index of @t's servers by pointer value (never dereferenced): a
 * binding names its server by pointer, which may be gone, so the sorted
 * order cannot be searched. At most half full, so a lookup probes about
 * 1.5 entries.
 */
static int ip_vs_kaff_index_ptrs(struct ip_vs_kaff_table *t)
{
	unsigned int i, h, mask;

	t->byptr_bits = t->ndests ? ilog2(t->ndests) + 2 : 1;
	t->byptr = kcalloc(1U << t->byptr_bits, sizeof(*t->byptr),
			   GFP_KERNEL);
	if (!t->byptr)
		return -ENOMEM;
	mask = (1U << t->byptr_bits) - 1;
	for (i = 0; i < t->ndests; i++) {
		h = hash_ptr(t->dests[i], t->byptr_bits);
		while (t->byptr[h])
			h = (h + 1) & mask;
		t->byptr[h] = i + 1;
	}
	return 0;
}

/**
 * ip_vs_kaff_table_index - where a server is in a table
 * @t: the table
 * @d: the server, compared by pointer only (it may have been freed)
 *
 * Context: any; constant expected time.
 * Return: its index in @t->dests, or -1 when @t does not have it.
 */
int ip_vs_kaff_table_index(const struct ip_vs_kaff_table *t,
			   const struct ip_vs_dest *d)
{
	unsigned int h, mask, n;
	u16 e;

	if (!t->byptr)
		return -1;
	mask = (1U << t->byptr_bits) - 1;
	h = hash_ptr(d, t->byptr_bits);
	for (n = 0; n <= mask; n++, h = (h + 1) & mask) {
		e = t->byptr[h];
		if (!e)
			break;
		if (t->dests[e - 1] == d)
			return e - 1;
	}
	return -1;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_index);

/*
 * A table keyed by @seed for @n servers: @next gives them one by one (each
 * is referenced here), then they are sorted, indexed and the slots
 * populated.
 */
static struct ip_vs_kaff_table *
ip_vs_kaff_table_make(unsigned int n, u64 seed,
		      struct ip_vs_dest *(*next)(void *pos), void *pos)
{
	struct ip_vs_kaff_table *t;
	struct ip_vs_dest *d;
	int ret;

	if (n > IP_VS_KAFF_MAX_DESTS)
		return ERR_PTR(-E2BIG);
	t = kvzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->key.key[0] = seed;
	t->key.key[1] = seed ^ 0x736970206d61676cULL;	/* "sip magl" */
	if (n) {
		t->dests = kcalloc(n, sizeof(*t->dests), GFP_KERNEL);
		t->live = kcalloc(n, sizeof(*t->live), GFP_KERNEL);
		if (!t->dests || !t->live) {
			kfree(t->dests);
			kfree(t->live);
			kvfree(t);
			return ERR_PTR(-ENOMEM);
		}
	}
	t->held = true;
	while (t->ndests < n) {
		d = next(pos);
		if (!d)
			break;
		ip_vs_dest_hold(d);
		t->dests[t->ndests++] = d;
	}
	sort(t->dests, t->ndests, sizeof(*t->dests), ip_vs_kaff_dest_cmp, NULL);

	ret = ip_vs_kaff_index_ptrs(t);
	if (!ret)
		ret = ip_vs_kaff_populate(t);
	if (ret < 0) {
		ip_vs_kaff_table_free(t);
		return ERR_PTR(ret);
	}
	return t;
}

struct ip_vs_kaff_list_pos {
	struct list_head	*head;
	struct list_head	*cur;
};

static struct ip_vs_dest *ip_vs_kaff_list_next(void *pos)
{
	struct ip_vs_kaff_list_pos *p = pos;

	p->cur = p->cur->next;
	if (p->cur == p->head)
		return NULL;
	return list_entry(p->cur, struct ip_vs_dest, n_list);
}

/**
 * ip_vs_kaff_table_build - a new placement table for a list of servers
 * @dests: the service's destination list (struct ip_vs_dest.n_list)
 * @seed: keys every hash
 *
 * Process context, under the IPVS service mutex of the service's namespace
 * (__ip_vs_mutex before 7.1), or in tests with the list otherwise stable.
 * Takes a reference on every server in the table.
 *
 * Return: the table, or an ERR_PTR.
 */
struct ip_vs_kaff_table *ip_vs_kaff_table_build(struct list_head *dests,
						u64 seed)
{
	struct ip_vs_kaff_list_pos pos = { .head = dests, .cur = dests };
	struct ip_vs_dest *d;
	unsigned int n = 0;

	list_for_each_entry(d, dests, n_list)
		n++;
	return ip_vs_kaff_table_make(n, seed, ip_vs_kaff_list_next, &pos);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_build);

struct ip_vs_kaff_array_pos {
	const struct ip_vs_kaff_table	*old;
	unsigned int			i;
};

static struct ip_vs_dest *ip_vs_kaff_array_next(void *pos)
{
	struct ip_vs_kaff_array_pos *p = pos;

	if (p->i >= p->old->ndests)
		return NULL;
	return p->old->dests[p->i++];
}

/**
 * ip_vs_kaff_table_reseed - the table of the same servers with a new seed
 * @old: the current table, whose references keep its servers alive
 * @seed: the new seed
 *
 * Process context, with @old stable (the caller holds the table mutex of
 * ip_vs_kaff_svc.c). The servers are @old's, which are the destination
 * list as of the last destination callback; weights are read now. Takes
 * a reference on every server in the table.
 *
 * Return: the table, or an ERR_PTR.
 */
struct ip_vs_kaff_table *
ip_vs_kaff_table_reseed(const struct ip_vs_kaff_table *old, u64 seed)
{
	struct ip_vs_kaff_array_pos pos = { .old = old };

	return ip_vs_kaff_table_make(old->ndests, seed, ip_vs_kaff_array_next,
				     &pos);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_reseed);

/* Free a table that no reader can see any more (its references too). */
void ip_vs_kaff_table_free(struct ip_vs_kaff_table *t)
{
	if (!t)
		return;
	ip_vs_kaff_table_release(t);
	kfree(t->dests);
	kfree(t->live);
	kfree(t->byptr);
	kvfree(t);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_free);

/**
 * ip_vs_kaff_table_pick_idx - the usable server for a hash, and its index
 * @t: current table (RCU)
 * @hash: ip_vs_kaff_hash_key() or ip_vs_kaff_hash_addr() of the datagram
 * @idx: set to the server's index in t->dests when one is returned
 *
 * The slot's server if it is usable (weight > 0, not overloaded); else the
 * first usable server among IP_VS_KAFF_PROBES rehashes of @hash, so that an
 * unusable server's share spreads evenly; else the first usable one of the
 * servers the table was built with a weight for, after a hash-chosen
 * start in sorted order. Every step depends only on the table, so all
 * directors with the same servers, weights and seed agree. Bounded work.
 *
 * Return: a server, or NULL if none is usable.
 */
struct ip_vs_dest *ip_vs_kaff_table_pick_idx(const struct ip_vs_kaff_table *t,
					     u64 hash, u16 *idx)
{
	struct ip_vs_dest *d;
	unsigned int i;
	u32 rem;
	u16 j;

	if (!t->nlive)
		return NULL;
	div_u64_rem(hash, IP_VS_KAFF_MAGLEV_SIZE, &rem);
	j = t->slot[rem];
	d = t->dests[j];
	if (ip_vs_kaff_dest_usable(d))
		goto found;
	for (i = 1; i <= IP_VS_KAFF_PROBES; i++) {
		div_u64_rem(siphash_2u64(hash, i, &t->key),
			    IP_VS_KAFF_MAGLEV_SIZE, &rem);
		j = t->slot[rem];
		d = t->dests[j];
		if (ip_vs_kaff_dest_usable(d))
			goto found;
	}
	div_u64_rem(hash, t->nlive, &rem);
	for (i = 0; i < t->nlive; i++) {
		j = t->live[rem];
		d = t->dests[j];
		if (ip_vs_kaff_dest_usable(d))
			goto found;
		if (++rem == t->nlive)
			rem = 0;
	}
	return NULL;
found:
	*idx = j;
	return d;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_pick_idx);

/* ip_vs_kaff_table_pick_idx() without the index. */
struct ip_vs_dest *ip_vs_kaff_table_pick(const struct ip_vs_kaff_table *t,
					 u64 hash)
{
	u16 idx;

	return ip_vs_kaff_table_pick_idx(t, hash, &idx);
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_pick);

/**
 * ip_vs_kaff_table_find - index of a server in a table, by address
 * @t: a table (RCU, or stable under the table mutex)
 * @d: a server that is alive (the caller's reference or RCU read side)
 *
 * Binary search: t->dests is sorted by (family, address, port), and a
 * service has at most one server per address and port.
 *
 * Return: the index, or -1 when @d is not in @t.
 */
int ip_vs_kaff_table_find(const struct ip_vs_kaff_table *t,
			  const struct ip_vs_dest *d)
{
	unsigned int lo = 0, hi = t->ndests;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		int r = ip_vs_kaff_dest_cmp(&t->dests[mid], &d);

		if (!r)
			return t->dests[mid] == d ? (int)mid : -1;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
EXPORT_SYMBOL_GPL(ip_vs_kaff_table_find);
