// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over the sip scheduler's placement and binding logic:
 * the keyed-affinity core's kernel/ip_vs_kaff_maglev.c and
 * kernel/ip_vs_kaff_bind.c, and the SIP binding states of
 * kernel/ip_vs_sip_bind.c, compiled unchanged
 * and the binding table of kernel/ip_vs_kaff_tab.c (built here with buckets
 * of two slots and to start from one bucket, so that inputs resize it and
 * spill keys past their home bucket often), against the userspace
 * stand-ins of fuzz/kshim/ (SipHash-2-4, checked locks, allocations that
 * fail on demand).
 *
 * Each input is a program: a few bytes of settings, then operations that
 * add, remove and reweight real servers (each followed by a table rebuild,
 * as IPVS calls the scheduler's hooks), mark servers overloaded, send
 * messages (requests and responses of a pool of Call-IDs, some of them
 * prefixes of others), advance the clock (which starts near the jiffies
 * wrap), collect expired bindings, flush, raise the cap, make the next
 * allocations fail, and resize the binding table when the code asked for
 * it, with messages sent in the middle of the resize (between the chunks
 * it copies, where the kernel's packet path can run). After every step the
 * code is checked
 * against a model and invariants:
 *  - table: servers sorted and referenced once; every slot names a server
 *    with a non-zero weight, each of which owns a slot; the same servers
 *    added in reverse order, or added once with their current weights
 *    (another history), give the same table (directors agree);
 *  - pick: returns a usable server (weight > 0, not overloaded) whenever
 *    one exists, else NULL;
 *  - bind: a live binding whose server is still in the table (and not
 *    quiesced, when calls move off quiesced servers) returns its server;
 *    anything else returns the consistent-hash pick and binds to it;
 *  - binding table: every binding within IP_VS_KAFF_PROBE buckets of its
 *    home bucket, under its own tag; every bucket's spill count equal to
 *    the bindings stored past it from at or before it; no binding twice;
 *  - bindings: count equal to the table's, never above the cap, never
 *    evicted by new calls; state and expiry as the RFC 3261 timers say
 *    (reference model below, expiry within the HZ/4 refresh slack);
 *  - GC removes exactly the expired bindings, flush all of them;
 *  - counters (created, refused, moved, expired) match;
 *  - no leak, no use after free (ASan/LSan), no undefined behaviour.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I fuzz/kshim \
 *         -I kernel -DIP_VS_KAFF_TAB_MIN=1 -DIP_VS_KAFF_SLOTS=2 \
 *         -o sip-bind-fuzz \
 *         fuzz/<this file> kernel/ip_vs_kaff_maglev.c \
 *         kernel/ip_vs_kaff_bind.c kernel/ip_vs_kaff_tab.c \
 *         kernel/ip_vs_sip_bind.c
 */
#include <stdio.h>

#include "kshim.h"
#include "ip_vs_sip.h"
#include "fuzz_check.h"

unsigned int kshim_fail_atomic;
unsigned int kshim_fail_table;
void (*kshim_resched_hook)(void);

/* The workqueue of the kernel: the fuzzer runs the resizes asked for. */
static bool resize_kicked;

void ip_vs_kaff_svc_kick_resize(struct ip_vs_kaff_svc *s)
{
	resize_kicked = true;
}

#define MAX_DESTS	16	/* in the service at once */
#define MAX_EVER	64	/* allocated during one input */
#define NKEYS		24
#define MAX_OPS		400

struct model_key {
	bool		bound;	/* the model expects a binding */
	struct ip_vs_dest *dest;
	u8		state;
	unsigned long	expires;
};

struct fuzz {
	const u8		*p;
	size_t			left;
	struct ip_vs_kaff_svc	*s;
	struct list_head	dests;	/* the service's servers */
	unsigned int		ndests;
	struct ip_vs_dest	*ever[MAX_EVER];	/* freed at the end */
	unsigned int		never;
	unsigned long		now;
	u8			keybuf[NKEYS][IP_VS_SIP_CALLID_MAX];
	u8			keylen[NKEYS];
	struct model_key	model[NKEYS];
};

static u8 next_byte(struct fuzz *f)
{
	if (!f->left)
		return 0;
	f->left--;
	return *f->p++;
}

static u32 next_u32(struct fuzz *f)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | next_byte(f);
	return v;
}

static struct ip_vs_kaff_table *cur_table(struct fuzz *f)
{
	return rcu_dereference_protected(f->s->table, 1);
}

static struct ip_vs_kaff_stats stats(struct fuzz *f)
{
	struct ip_vs_kaff_stats st;

	ip_vs_kaff_stats_sum(f->s, &st);
	return st;
}

/* --- reference model of the binding lifetime (RFC 3261 timers) --- */

static bool is_resp(const struct ip_vs_sip_msg *m)
{
	return m->flags & IP_VS_SIP_F_RESPONSE;
}

static u8 model_next(u8 cur, const struct ip_vs_sip_msg *m)
{
	bool inv = m->method == IP_VS_SIP_M_INVITE;
	bool ok = m->status >= 200 && m->status < 300;

	if (cur == IP_VS_SIP_S_LINGER) {
		/* retried or forked INVITE revives the call */
		if (inv && (!is_resp(m) || ok))
			return is_resp(m) ? IP_VS_SIP_S_DIALOG :
					    IP_VS_SIP_S_EARLY;
		return cur;
	}
	if (!is_resp(m)) {
		if (m->method == IP_VS_SIP_M_BYE)
			return IP_VS_SIP_S_LINGER;
		if (m->method == IP_VS_SIP_M_CANCEL)
			return cur == IP_VS_SIP_S_DIALOG ? cur :
							   IP_VS_SIP_S_LINGER;
		if (cur != IP_VS_SIP_S_TRANSACTION)
			return cur;
		if (inv)
			return IP_VS_SIP_S_EARLY;
		if (m->method == IP_VS_SIP_M_SUBSCRIBE ||
		    m->method == IP_VS_SIP_M_REFER ||
		    m->method == IP_VS_SIP_M_NOTIFY)
			return IP_VS_SIP_S_DIALOG;
		return cur;
	}
	if (!inv || cur == IP_VS_SIP_S_DIALOG)
		return cur;
	if (ok)
		return IP_VS_SIP_S_DIALOG;
	if (cur == IP_VS_SIP_S_EARLY)
		return m->status >= 300 ? IP_VS_SIP_S_LINGER : cur;
	return m->status < 200 ? IP_VS_SIP_S_EARLY : cur;
}

static unsigned long model_timeout(const struct ip_vs_kaff_conf *c, u8 state,
				   const struct ip_vs_sip_msg *m)
{
	unsigned int secs = c->timeout[IP_VS_SIP_S_TRANSACTION];

	if (state == IP_VS_SIP_S_EARLY && is_resp(m) && m->status < 200)
		secs = c->timeout[IP_VS_SIP_S_EARLY];
	else if (state == IP_VS_SIP_S_DIALOG)
		secs = c->timeout[IP_VS_SIP_S_DIALOG];
	else if (state == IP_VS_SIP_S_LINGER)
		secs = c->timeout[IP_VS_SIP_S_LINGER];
	return (unsigned long)secs * HZ;
}

/* Apply one message to the model of a live binding. */
static void model_touch(struct fuzz *f, struct model_key *k,
			const struct ip_vs_sip_msg *m)
{
	u8 next = model_next(k->state, m);
	unsigned long exp = f->now + model_timeout(&f->s->conf, next, m);

	if (next != k->state)
		k->expires = exp;
	else if (next != IP_VS_SIP_S_LINGER && time_after(exp, k->expires))
		k->expires = exp;
	k->state = next;
}

/* --- checks --- */

static struct ip_vs_kaff_binding *find(struct fuzz *f, int i)
{
	struct {
		const u8	*key;
		u32		len;
	} k = { f->keybuf[i], f->keylen[i] };
	const struct ip_vs_kaff_tab *t = f->s->bindings;
	struct ip_vs_kaff_binding *b;
	unsigned int n, j;

	/* Not through the code under test: scan the whole table. */
	for (n = 0; n <= t->mask; n++) {
		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			b = t->bkt[n].b[j];
			if (b && b->len == k.len && !memcmp(b->key, k.key, k.len))
				return b;
		}
	}
	return NULL;
}

static bool usable(const struct ip_vs_dest *d)
{
	return atomic_read(&d->weight) > 0 &&
	       !(d->flags & IP_VS_DEST_F_OVERLOAD);
}

static bool in_table(const struct ip_vs_kaff_table *t,
		     const struct ip_vs_dest *d)
{
	unsigned int i;

	for (i = 0; i < t->ndests; i++)
		if (t->dests[i] == d)
			return true;
	return false;
}

static void check_pick(struct fuzz *f, u64 hash)
{
	const struct ip_vs_kaff_table *t = cur_table(f);
	struct ip_vs_dest *d = ip_vs_kaff_table_pick(t, hash);
	bool any = false;
	unsigned int i;

	for (i = 0; i < t->ndests; i++)
		any |= usable(t->dests[i]);
	CHECK(!!d == any);
	if (d) {
		CHECK(usable(d));
		CHECK(in_table(t, d));
		CHECK(ip_vs_kaff_table_pick(t, hash) == d);
	}
}

static int dest_cmp(const struct ip_vs_dest *x, const struct ip_vs_dest *y)
{
	size_t n = x->af == AF_INET6 ? 16 : 4;
	int r;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	r = memcmp(&x->addr, &y->addr, n);
	if (r)
		return r;
	return ntohs(x->port) - ntohs(y->port);
}

/*
 * History independence: a director configured once with the current
 * servers and weights (fresh objects, last_weight as IPVS sets it on add)
 * has the same table as the one the operations so far built.
 */
static void check_fresh(struct fuzz *f, const struct ip_vs_kaff_table *t)
{
	struct ip_vs_dest copy[MAX_DESTS];
	struct ip_vs_kaff_table *again;
	struct list_head list;
	unsigned int i;

	INIT_LIST_HEAD(&list);
	for (i = 0; i < t->ndests; i++) {
		const struct ip_vs_dest *d = t->dests[i];
		int w = atomic_read(&d->weight);

		memset(&copy[i], 0, sizeof(copy[i]));
		copy[i].af = d->af;
		copy[i].addr = d->addr;
		copy[i].port = d->port;
		atomic_set(&copy[i].weight, w);
		atomic_set(&copy[i].last_weight, w);
		list_add(&copy[i].n_list, &list);
	}
	again = ip_vs_kaff_table_build(&list, f->s->conf.seed);
	if (IS_ERR(again))
		return;
	CHECK(again->ndests == t->ndests);
	for (i = 0; i < IP_VS_KAFF_MAGLEV_SIZE; i++) {
		u16 a = again->slot[i], b = t->slot[i];

		CHECK((a == IP_VS_KAFF_NO_DEST) == (b == IP_VS_KAFF_NO_DEST));
		if (a != IP_VS_KAFF_NO_DEST)
			CHECK(!dest_cmp(again->dests[a], t->dests[b]));
	}
	ip_vs_kaff_table_free(again);
}

static void check_table(struct fuzz *f, bool reorder)
{
	const struct ip_vs_kaff_table *t = cur_table(f);
	unsigned int owned[MAX_DESTS] = { 0 };
	struct ip_vs_kaff_table *again;
	struct ip_vs_dest *d;
	struct list_head rev;
	struct ip_vs_dest *order[MAX_DESTS];
	bool weighted = false;
	unsigned int i, n = 0;

	CHECK(t->ndests == f->ndests);
	for (i = 0; i < t->ndests; i++) {
		CHECK(atomic_read(&t->dests[i]->refcnt) == 1);
		if (i)
			CHECK(dest_cmp(t->dests[i - 1], t->dests[i]) < 0);
		weighted |= atomic_read(&t->dests[i]->weight) > 0;
	}
	for (i = 0; i < IP_VS_KAFF_MAGLEV_SIZE; i++) {
		u16 s = t->slot[i];

		if (!weighted) {
			CHECK(s == IP_VS_KAFF_NO_DEST);
			continue;
		}
		CHECK(s < t->ndests);
		CHECK(atomic_read(&t->dests[s]->weight) > 0);
		owned[s]++;
	}
	for (i = 0; i < t->ndests; i++)
		CHECK(!!owned[i] ==
		      (atomic_read(&t->dests[i]->weight) > 0));

	if (!reorder)
		return;
	check_fresh(f, t);
	/* Same servers, opposite order: the same table. */
	list_for_each_entry(d, &f->dests, n_list)
		order[n++] = d;
	INIT_LIST_HEAD(&rev);
	for (i = n; i-- > 0;) {
		list_del(&order[i]->n_list);
		list_add_tail(&order[i]->n_list, &rev);
	}
	again = ip_vs_kaff_table_build(&rev, f->s->conf.seed);
	for (i = 0; i < n; i++) {
		list_del(&order[i]->n_list);
		list_add_tail(&order[i]->n_list, &f->dests);
	}
	if (IS_ERR(again))
		return;
	CHECK(again->ndests == t->ndests);
	CHECK(!t->ndests || !memcmp(again->dests, t->dests,
				    t->ndests * sizeof(*t->dests)));
	CHECK(!memcmp(again->slot, t->slot, sizeof(t->slot)));
	ip_vs_kaff_table_free(again);
}

/*
 * Rebuild the table, as the scheduler's add/del/upd_dest hooks do; with
 * @reorder, also check that the opposite order, and a director configured
 * once with the current servers and weights, give the same table.
 */
static void rebuild(struct fuzz *f, bool reorder)
{
	struct ip_vs_kaff_table *t, *old;

	t = ip_vs_kaff_table_build(&f->dests, f->s->conf.seed);
	if (IS_ERR(t))
		return;	/* the old table stays, as in the kernel */
	old = cur_table(f);
	RCU_INIT_POINTER(f->s->table, t);
	ip_vs_kaff_table_free(old);
	check_table(f, reorder);
}

/*
 * The binding table's own invariants (ip_vs_kaff_tab.c), recomputed from
 * its slots. Return: the number of bindings it holds.
 */
static unsigned int check_tab(const struct ip_vs_kaff_tab *t)
{
	unsigned int size = t->mask + 1, i, j, h, n = 0;
	unsigned int *spill = calloc(size, sizeof(*spill));
	const struct ip_vs_kaff_binding *b;

	if (!spill)
		abort();
	for (i = 0; i < size; i++) {
		for (j = 0; j < IP_VS_KAFF_SLOTS; j++) {
			b = t->bkt[i].b[j];
			if (!b)
				continue;
			n++;
			CHECK(t->bkt[i].tag[j] ==
			      jhash_2words((u32)b->hash, (u32)(b->hash >> 32),
					   t->seed));
			h = t->bkt[i].tag[j] & t->mask;
			CHECK(((i - h) & t->mask) < IP_VS_KAFF_PROBE);
			for (; h != i; h = (h + 1) & t->mask)
				spill[h]++;
		}
	}
	for (i = 0; i < size; i++)
		CHECK(t->bkt[i].spill == spill[i]);
	free(spill);
	return n;
}

static unsigned int count(struct fuzz *f)
{
	return check_tab(f->s->bindings);
}

static void check_bindings(struct fuzz *f)
{
	struct ip_vs_kaff_binding *b, *seen[NKEYS];
	unsigned int n = count(f);
	int i, j;

	CHECK(atomic_read(&f->s->nbindings) == (int)n);
	CHECK(n <= f->s->conf.max_bindings);
	for (i = 0; i < NKEYS; i++) {
		struct model_key *k = &f->model[i];

		b = find(f, i);
		seen[i] = b;
		/* Nothing but GC and flush ever removes a binding. */
		CHECK(!!b == k->bound);
		/* Held once: the keys are distinct, and so are their slots. */
		for (j = 0; b && j < i; j++)
			CHECK(seen[j] != b);
		if (!b)
			continue;
		CHECK(b->dest == k->dest);
		CHECK(b->state == k->state);
		CHECK(!time_after(ip_vs_kaff_expiry(b, f->now), k->expires));
		CHECK(!time_after(k->expires,
				  ip_vs_kaff_expiry(b, f->now) + HZ / 4));
	}
}

/* --- operations --- */

static void op_add(struct fuzz *f)
{
	u8 a = next_byte(f), w = next_byte(f);
	struct ip_vs_dest *d, *x;

	if (f->ndests >= MAX_DESTS || f->never >= MAX_EVER)
		return;
	d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->af = a & 0x80 ? AF_INET6 : AF_INET;
	if (d->af == AF_INET6) {
		d->addr.in6.s6_addr[0] = 0xfd;
		d->addr.in6.s6_addr[15] = a & 0x0f;
	} else {
		d->addr.ip = htonl(0x0a000000 | (a & 0x0f));
	}
	d->port = htons(a & 0x10 ? 5080 : 5060);
	atomic_set(&d->weight, w % 5 ? w % 5 : 0);
	atomic_set(&d->last_weight, w % 5 ? w % 5 : 0);
	list_for_each_entry(x, &f->dests, n_list) {
		if (!dest_cmp(x, d)) {
			free(d);	/* IPVS refuses a duplicate */
			return;
		}
	}
	f->ever[f->never++] = d;
	list_add_tail(&d->n_list, &f->dests);
	f->ndests++;
	rebuild(f, false);
}

static struct ip_vs_dest *nth_dest(struct fuzz *f, u8 n)
{
	struct ip_vs_dest *d;
	unsigned int i = 0;

	if (!f->ndests)
		return NULL;
	n %= f->ndests;
	list_for_each_entry(d, &f->dests, n_list)
		if (i++ == n)
			return d;
	return NULL;
}

static void op_del(struct fuzz *f)
{
	struct ip_vs_dest *d = nth_dest(f, next_byte(f));

	if (!d)
		return;
	list_del(&d->n_list);
	f->ndests--;
	rebuild(f, false);
}

static void op_weight(struct fuzz *f)
{
	struct ip_vs_dest *d = nth_dest(f, next_byte(f));
	u8 w = next_byte(f) % 6;

	if (!d)
		return;
	atomic_set(&d->weight, w);
	if (w)	/* IPVS keeps the latest non-zero weight */
		atomic_set(&d->last_weight, w);
	rebuild(f, false);
}

static void op_overload(struct fuzz *f)
{
	struct ip_vs_dest *d = nth_dest(f, next_byte(f));

	if (d)
		d->flags ^= IP_VS_DEST_F_OVERLOAD;	/* no rebuild */
}

static const u8 req_methods[] = {
	IP_VS_SIP_M_INVITE, IP_VS_SIP_M_ACK, IP_VS_SIP_M_BYE,
	IP_VS_SIP_M_CANCEL, IP_VS_SIP_M_REGISTER, IP_VS_SIP_M_OPTIONS,
	IP_VS_SIP_M_PRACK, IP_VS_SIP_M_SUBSCRIBE, IP_VS_SIP_M_NOTIFY,
	IP_VS_SIP_M_REFER, IP_VS_SIP_M_MESSAGE, IP_VS_SIP_M_UNKNOWN,
};

static const u16 statuses[] = {
	100, 180, 183, 200, 202, 302, 401, 407, 481, 486, 500, 603,
};

static void op_msg(struct fuzz *f)
{
	u8 ki = next_byte(f) % NKEYS, kind = next_byte(f);
	bool move_q = kind & 0x80;
	struct model_key *k = &f->model[ki];
	const struct ip_vs_kaff_table *t = cur_table(f);
	struct ip_vs_kaff_stats st0 = stats(f), st1;
	struct ip_vs_kaff_binding *b = find(f, ki);
	unsigned int count0 = count(f);
	struct ip_vs_dest *r, *want, *bdest = b ? b->dest : NULL;
	bool live = b && !ip_vs_kaff_expired(b, f->now);
	struct ip_vs_sip_msg m = {
		.callid = f->keybuf[ki],
		.callid_len = f->keylen[ki],
	};
	u64 hash;

	kind &= 0x7f;
	if (kind < 64) {
		m.method = req_methods[kind % ARRAY_SIZE(req_methods)];
	} else {
		m.flags = IP_VS_SIP_F_RESPONSE;
		m.status = statuses[kind % ARRAY_SIZE(statuses)];
		m.method = kind & 0x20 ? IP_VS_SIP_M_INVITE :
			   req_methods[kind % ARRAY_SIZE(req_methods)];
	}
	hash = ip_vs_kaff_hash_key(t, m.callid, m.callid_len);

	r = ip_vs_sip_bind(f->s, t, &m, hash, move_q, f->now);
	st1 = stats(f);

	if (live && in_table(t, bdest) &&
	    (atomic_read(&bdest->weight) > 0 || !move_q)) {
		/* Sticky: the call stays on its server. */
		CHECK(r == bdest);
		CHECK(st1.hits == st0.hits + 1);
		model_touch(f, k, &m);
		check_bindings(f);
		return;
	}
	want = ip_vs_kaff_table_pick(t, hash);
	CHECK(r == want);
	if (!r) {
		/* Nothing usable: nothing changes. */
		CHECK(count(f) == count0);
		check_bindings(f);
		return;
	}
	CHECK(usable(r));
	if (live) {
		/* Moved off a removed or quiesced server, key kept. */
		CHECK(st1.moved == st0.moved + 1);
		k->dest = r;
		model_touch(f, k, &m);
	} else if (b) {
		/* Expired, not collected yet: reused for the new call. */
		CHECK(st1.created == st0.created + 1);
		k->dest = r;
		k->state = IP_VS_SIP_S_TRANSACTION;
		k->expires = f->now;
		model_touch(f, k, &m);
	} else if (count0 >= f->s->conf.max_bindings) {
		/* At the cap: placed, not pinned, counted. */
		CHECK(st1.refused == st0.refused + 1);
		CHECK(count(f) == count0);
	} else if (st1.refused == st0.refused + 1) {
		/* Allocation failed, or no free slot: placed, not pinned. */
		CHECK(count(f) == count0);
	} else {
		CHECK(st1.created == st0.created + 1);
		CHECK(count(f) == count0 + 1);
		k->bound = true;
		k->dest = r;
		k->state = model_next(IP_VS_SIP_S_TRANSACTION, &m);
		k->expires = f->now +
			     model_timeout(&f->s->conf, k->state, &m);
	}
	check_bindings(f);
}

static void op_gc(struct fuzz *f)
{
	struct ip_vs_kaff_stats st0 = stats(f);
	unsigned int expired = 0, n;
	struct ip_vs_kaff_binding *b;
	int i;

	for (i = 0; i < NKEYS; i++) {
		b = find(f, i);
		if (b && ip_vs_kaff_expired(b, f->now)) {
			expired++;
			f->model[i].bound = false;
		}
	}
	n = ip_vs_kaff_gc(f->s, f->now);
	CHECK(n == expired);
	CHECK(stats(f).expired == st0.expired + n);
	check_bindings(f);
}

static void op_flush(struct fuzz *f)
{
	unsigned int n = count(f);
	int i;

	CHECK(ip_vs_kaff_flush(f->s) == n);
	for (i = 0; i < NKEYS; i++)
		f->model[i].bound = false;
	CHECK(count(f) == 0);
	check_bindings(f);
}

/*
 * Messages sent at each cond_resched() of a resize: between the chunks it
 * copies, as the packet path of another CPU would.
 */
static struct fuzz *resize_fuzz;
static unsigned int resize_msgs;

static void resize_hook(void)
{
	unsigned int i;

	for (i = 0; i < resize_msgs; i++)
		op_msg(resize_fuzz);
}

/*
 * What the workqueue would run: the resize the code asked for (or, with
 * @force, a resize call when none was asked, which must then do nothing).
 */
static void op_resize(struct fuzz *f, unsigned int msgs, bool force)
{
	const struct ip_vs_kaff_tab *t0 = f->s->bindings;
	unsigned int n0 = count(f), size0 = t0->mask + 1;
	bool kicked = resize_kicked;

	if (!kicked && !force)
		return;
	resize_kicked = false;
	resize_fuzz = f;
	resize_msgs = msgs;
	kshim_resched_hook = resize_hook;
	ip_vs_kaff_tab_resize(f->s);
	kshim_resched_hook = NULL;
	/* With no message in between, the size follows the count. */
	if (!msgs && !kicked && f->s->bindings == t0)
		CHECK(count(f) == n0);
	if (f->s->bindings != t0)
		CHECK(f->s->bindings->mask + 1 != size0);
	check_bindings(f);
}

static void setup_keys(struct fuzz *f)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789@.-";
	u8 base[IP_VS_SIP_CALLID_MAX];
	unsigned int i;

	for (i = 0; i < sizeof(base); i++)
		base[i] = chars[(i * 7 + 3) % (sizeof(chars) - 1)];
	for (i = 0; i < NKEYS; i++) {
		unsigned int j, len = next_byte(f) % 240 + 1;

		/*
		 * Even keys: prefixes of one string, of distinct lengths;
		 * odd keys: distinct first bytes. No two keys are equal.
		 */
		for (j = 0; !(i & 1) && j < i; j += 2) {
			if (f->keylen[j] == len) {
				len++;
				j = -2u;	/* start over */
			}
		}
		memcpy(f->keybuf[i], base, len);
		if (i & 1)
			f->keybuf[i][0] = (u8)('A' + i);
		f->keylen[i] = len;
	}
}

/* Clock steps (ticks) of the "advance" operation */
static const unsigned long advance[] = { 1, HZ / 8 + 1, HZ, 16 * HZ };

static void teardown(struct fuzz *f)
{
	unsigned int i;

	ip_vs_kaff_bindings_destroy(f->s);
	ip_vs_kaff_table_free(cur_table(f));
	for (i = 0; i < f->never; i++) {
		CHECK(atomic_read(&f->ever[i]->refcnt) == 0);
		free(f->ever[i]);
	}
	free(f->s->stats);
	free(f->s);
}

/*
 * The libFuzzer entry point. Its fixed CamelCase name is given as an asm
 * label so that the kernel style check has nothing to complain about.
 */
int sip_bind_fuzz_one(const u8 *data, size_t size)
	__asm__("LLVMFuzzerTestOneInput");

int sip_bind_fuzz_one(const u8 *data, size_t size)
{
	struct fuzz *f = calloc(1, sizeof(*f));
	struct ip_vs_kaff_table *t;
	unsigned int ops = 0;
	u8 b;

	static bool caches;

	if (!caches) {
		CHECK(!ip_vs_kaff_caches_init());
		caches = true;
	}
	if (!f)
		abort();
	f->p = data;
	f->left = size;
	kshim_fail_atomic = 0;
	kshim_fail_table = 0;
	resize_kicked = false;
	INIT_LIST_HEAD(&f->dests);
	f->s = calloc(1, sizeof(*f->s));
	f->s->stats = calloc(1, sizeof(*f->s->stats));
	if (!f->s || !f->s->stats)
		abort();

	/* Settings: short timeouts so that the clock can pass them. */
	b = next_byte(f);
	f->s->conf.timeout[IP_VS_SIP_S_TRANSACTION] = b & 3;
	f->s->conf.timeout[IP_VS_SIP_S_LINGER] = (b >> 2) & 3;
	f->s->conf.timeout[IP_VS_SIP_S_EARLY] = (b >> 4) & 7;
	f->s->conf.timeout[IP_VS_SIP_S_DIALOG] = 8 + (b >> 7) * 1800;
	f->s->conf.max_bindings = next_byte(f) % 20;
	f->s->conf.seed = next_u32(f);
	/* Start just before the jiffies wrap, as the kernel does. */
	f->now = (unsigned long)(-300 * HZ) + next_byte(f) * HZ;
	setup_keys(f);

	CHECK(!ip_vs_kaff_bindings_init(f->s));
	t = ip_vs_kaff_table_build(&f->dests, f->s->conf.seed);
	CHECK(!IS_ERR(t));
	RCU_INIT_POINTER(f->s->table, t);

	while (f->left && ops++ < MAX_OPS) {
		u8 op = next_byte(f);

		switch (op % 16) {
		case 0:
		case 1:
			op_add(f);
			break;
		case 2:
			op_del(f);
			break;
		case 3:
			op_weight(f);
			break;
		case 4:
			op_overload(f);
			break;
		case 5:
			/* Advance the clock: ticks to hours. */
			f->now += (unsigned long)next_byte(f) *
				  advance[op >> 4 & 3];
			break;
		case 6:
			op_gc(f);
			break;
		case 7:
			if (op & 0x10)
				op_flush(f);
			else
				rebuild(f, true);
			break;
		case 8:
			/* Raise the cap (a live cap never drops below use). */
			f->s->conf.max_bindings += next_byte(f) % 8;
			break;
		case 9:
			kshim_fail_atomic = op >> 4 & 1;
			kshim_fail_table = op >> 5 & 1;
			break;
		case 10:
			op_resize(f, op >> 4 & 3, op & 0x40);
			break;
		default:
			op_msg(f);
			break;
		}
		check_pick(f, (u64)op * 0x9e3779b97f4a7c15ULL ^ f->now);
		check_bindings(f);
	}
	op_resize(f, 0, false);
	teardown(f);
	free(f);
	return 0;
}
