/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keyed affinity for IPVS schedulers (ip_vs_kaff.ko): the core that the
 * "sip" and "radius" schedulers share.
 *
 * A scheduler that keeps the datagrams of one conversation on one real
 * server gives each datagram a key (a SIP Call-ID, a RADIUS State or
 * Calling-Station-Id) and asks the core where it goes:
 *  - a key seen before goes where its binding says, while that server is
 *    usable (ip_vs_kaff_bind.c);
 *  - a new key is placed by weighted Maglev consistent hashing of the key,
 *    seeded and independent of the order the servers came in, so that
 *    directors with the same servers, weights and seed agree with no state
 *    exchanged (ip_vs_kaff_maglev.c), and bound there;
 *  - at the binding cap, a new key is placed by the hash and not bound.
 * The core owns the placement table, the binding table, their memory and
 * their lifetimes (ip_vs_kaff_svc.c). The scheduler owns its parser and
 * the meaning of a binding's state: the state a datagram moves a binding
 * to, and how long it then lives, are the scheduler's (it passes them in,
 * and touches the bindings the core hands back), so the packet path makes
 * no indirect call.
 *
 * Not a stable interface: for the modules of this tree and their KUnit
 * suites.
 */
#ifndef IP_VS_KAFF_H
#define IP_VS_KAFF_H

#include <linux/types.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/time.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/ip_vs.h>

struct seq_file;
struct pernet_operations;

/*
 * Maglev lookup table size: a prime well above 100 times the number of
 * real servers a service has, so that each server's share is within
 * about 1% of its weight (Eisenbud et al., NSDI 2016, section 3.4).
 */
#define IP_VS_KAFF_MAGLEV_SIZE	16381
#define IP_VS_KAFF_MAX_DESTS	4096
#define IP_VS_KAFF_NO_DEST	0xffff
/* Rehash attempts before a deterministic scan when a slot's server is out */
#define IP_VS_KAFF_PROBES	16
/* Longest key a binding holds */
#define IP_VS_KAFF_KEY_MAX	255
/* Binding states a scheduler may define, each with its own timeout */
#define IP_VS_KAFF_NSTATES	4

/* Per-service settings; the scheduler's module parameters give them. */
struct ip_vs_kaff_conf {
	/* seconds a binding lives in each state (the scheduler's states) */
	unsigned int	timeout[IP_VS_KAFF_NSTATES];
	unsigned int	max_bindings;
	u64		seed;
	bool		move_quiesced;	/* set over netlink: drain policy */
};

/* One generation of the consistent-hash table, replaced as a whole. */
struct ip_vs_kaff_table {
	struct rcu_head		rcu;
	siphash_key_t		key;		/* from the seed */
	unsigned int		ndests;
	struct ip_vs_dest	**dests;	/* sorted by (af, addr, port),
						 * each one referenced while
						 * @held
						 */
	u16			*live;		/* indexes in @dests of the
						 * servers built with a weight
						 */
	unsigned int		nlive;
	u16			*byptr;		/* open addressing: index + 1
						 * in @dests by hash_ptr() of
						 * the pointer, 0 empty
						 */
	unsigned int		byptr_bits;	/* log2 of its size, at least
						 * twice @ndests
						 */
	bool			held;		/* references not yet dropped
						 * (ip_vs_kaff_table_release())
						 */
	u16			slot[IP_VS_KAFF_MAGLEV_SIZE];
};

struct ip_vs_kaff_binding {
	/*
	 * SipHash of the key under ip_vs_kaff_svc.bkey: the placement hash
	 * when the table's seed has not changed since the service started,
	 * so that a datagram's key is hashed once. Lookups compare it first.
	 */
	u64			hash;
	/*
	 * The server this key is bound to. Used as an identity only and
	 * never dereferenced: it is looked up in the current table, which
	 * holds the references.
	 */
	struct ip_vs_dest	*dest;
	struct rcu_head		rcu;
	/*
	 * Times in 32 bits, to keep a binding with a Call-ID of usual length
	 * within 96 bytes. Jiffies: the low 32 bits, which
	 * ip_vs_kaff_expiry() and ip_vs_kaff_idle() widen again; a binding
	 * lives at most IP_VS_KAFF_TIMEOUT_MAX seconds past its last use,
	 * far less than the 2^31 jiffies that allows.
	 */
	u32			expires;	/* jiffies */
	u32			last_use;	/* jiffies */
	u32			created;	/* ktime_get_seconds(): the age
						 * is shown to the second, and
						 * does not wrap while a key
						 * is refreshed for months
						 */
	u16			hint;		/* index in table->dests */
	u8			state;		/* the scheduler's */
	u8			len;
	u8			key[];
};

/*
 * Longest binding timeout, in seconds (netlink allows no more): a
 * binding's expiry stays within 2^31 jiffies of now, for the 32-bit times
 * above, up to HZ 3000.
 */
#define IP_VS_KAFF_TIMEOUT_MAX	604800

/*
 * A state's timeout in jiffies. Netlink refuses longer ones; a module
 * parameter set higher is taken as the longest.
 */
static inline unsigned long
ip_vs_kaff_timeout(const struct ip_vs_kaff_conf *c, unsigned int state)
{
	return (unsigned long)min_t(unsigned int, READ_ONCE(c->timeout[state]),
				    IP_VS_KAFF_TIMEOUT_MAX) * HZ;
}

/* A binding's expiry in jiffies, widened around @now (jiffies). */
static inline unsigned long
ip_vs_kaff_expiry(const struct ip_vs_kaff_binding *b, unsigned long now)
{
	return now + (long)(s32)(READ_ONCE(b->expires) - (u32)now);
}

/* Is a binding expired at @now (jiffies)? Its expiry compared in 32 bits */
static inline bool ip_vs_kaff_expired(const struct ip_vs_kaff_binding *b,
				      unsigned long now)
{
	return time_after32((u32)now, READ_ONCE(b->expires));
}

/*
 * Jiffies since a binding's last use, at @now (jiffies); negative when
 * another CPU used it after @now was read.
 */
static inline long
ip_vs_kaff_idle(const struct ip_vs_kaff_binding *b, unsigned long now)
{
	return (s32)((u32)now - READ_ONCE(b->last_use));
}

/*
 * The binding table (ip_vs_kaff_tab.c): open addressing over buckets of
 * IP_VS_KAFF_SLOTS bindings, each slot with a 32-bit tag of its binding's
 * hash beside the pointer, so that a lookup of a key the table does not
 * hold reads one bucket (a cache line on 64-bit) and no binding, and a
 * resize moves pointers by their tags without reading a binding.
 */
#ifndef IP_VS_KAFF_SLOTS	/* the fuzzer uses 2, for keys to spill often */
#define IP_VS_KAFF_SLOTS	5
#endif
/* Buckets a binding may be stored past its home bucket; lookups read */
#define IP_VS_KAFF_PROBE	64

struct ip_vs_kaff_bkt {
	u32				tag[IP_VS_KAFF_SLOTS];
	/*
	 * Bindings stored past this bucket whose probe started here or
	 * before: a lookup goes on to the next bucket only while this is
	 * nonzero.
	 */
	u32				spill;
	struct ip_vs_kaff_binding __rcu	*b[IP_VS_KAFF_SLOTS];
};

struct ip_vs_kaff_tab {
	unsigned int		mask;		/* buckets - 1 (a power of 2) */
	u32			seed;		/* random, secret: the tags */
	u32			gen;		/* of the service's tables */
	struct ip_vs_kaff_bkt	*bkt;
	struct rcu_head		rcu;
};

/* Counters of the core, and slots for the scheduler's own */
#define IP_VS_KAFF_NCLS		16

struct ip_vs_kaff_stats {
	u64	messages;	/* datagrams scheduled */
	u64	hits;		/* bound key found */
	u64	created;	/* bindings created */
	u64	expired;	/* bindings removed by timeout */
	u64	moved;		/* bindings moved off an unusable server */
	u64	refused;	/* not bound: table at its cap, no
				 * memory, or no free slot within
				 * IP_VS_KAFF_PROBE buckets
				 */
	u64	nodest;		/* no server available */
	u64	cls[IP_VS_KAFF_NCLS];	/* the scheduler's, by its index */
};

struct ip_vs_kaff_class;

struct ip_vs_kaff_svc {
	struct ip_vs_service		*svc;	/* NULL in KUnit tests */
	struct net			*net;
	/* On ip_vs_kaff_services, under ip_vs_kaff_mutex, while @svc lives */
	struct list_head		list;
	const struct ip_vs_kaff_class	*cls;	/* its scheduler */
	/* Tells this state from an earlier one under the same service key */
	u32				gen;
	struct ip_vs_kaff_conf		conf;	/* seed: under the table mutex */
	struct ip_vs_kaff_table __rcu	*table;
	/*
	 * The binding table. Readers: RCU. Writers: @lock (inserts, from
	 * the packet path) and, for removals and resizes, which run in
	 * process context only, @walk_mutex as well.
	 */
	struct ip_vs_kaff_tab __rcu	*bindings;
	spinlock_t			lock;		/* see above */
	struct mutex			walk_mutex;	/* see above */
	/* A resize in progress: its new table, and how far the copy is */
	struct ip_vs_kaff_tab		*next;
	unsigned int			next_pos;
	bool				next_failed;
	/* Walks and resizes under way (under @lock): no growth inline */
	unsigned int			pinned;
	unsigned long			resize_queued;	/* bit 0 */
	unsigned long			resize_after;	/* jiffies */
	struct work_struct		resize_work;
	atomic_t			nbindings;
	/* Key of the binding hashes (ip_vs_kaff_binding.hash) */
	siphash_key_t			bkey;
	/*
	 * No binding expires before gc_next (jiffies) once gc_valid is set:
	 * ip_vs_kaff_gc() skips its walk until then (ip_vs_kaff_bind.c).
	 */
	unsigned long			gc_next;
	bool				gc_valid;
	struct ip_vs_kaff_stats __percpu *stats;
	struct delayed_work		gc_work;
	struct rcu_work			free_work;
	bool				dying;
};

/* What a scheduler asks of the binding table for one datagram */
struct ip_vs_kaff_req {
	const u8	*key;
	u32		len;		/* 1..IP_VS_KAFF_KEY_MAX */
	u64		hash;		/* ip_vs_kaff_hash_key() of the key */
	/* A new binding's state, and how long it lives in it (jiffies) */
	u8		state;
	unsigned long	timeout;
};

/* ip_vs_kaff_bind_rs() verdicts */
enum ip_vs_kaff_rs {
	IP_VS_KAFF_RS_BOUND,	/* bound to the sending server */
	IP_VS_KAFF_RS_NEW,	/* bound to it now */
	IP_VS_KAFF_RS_OTHER,	/* bound to another server of the service */
	IP_VS_KAFF_RS_REFUSED,	/* unbound, and none can be made */
};

struct ip_vs_kaff_nl_desc;

/*
 * A scheduler on the core: how it makes and shows a service, and its
 * netlink attributes (ip_vs_kaff_nl.h). Static.
 */
struct ip_vs_kaff_class {
	struct ip_vs_scheduler	*sched;
	const char		*name;		/* /proc/net/<name> */
	const char		*header;	/* its first line */
	struct ip_vs_kaff_svc	*(*create)(struct ip_vs_service *svc,
					   struct list_head *dests);
	void			(*show)(struct seq_file *seq,
					const struct ip_vs_kaff_svc *s);
	const struct ip_vs_kaff_nl_desc *nl;
};

/*
 * The services of every keyed-affinity scheduler, for the /proc files and
 * the netlink operations: a service is on the list from its scheduler's
 * init_service to its done_service, so one found under the mutex is alive
 * while the mutex is held.
 */
extern struct list_head ip_vs_kaff_services;
extern struct mutex ip_vs_kaff_mutex;

/* ip_vs_kaff_class.c: what every keyed-affinity scheduler does alike */
int ip_vs_kaff_init_svc(const struct ip_vs_kaff_class *c,
			struct ip_vs_service *svc);
void ip_vs_kaff_done_svc(struct ip_vs_service *svc);
int ip_vs_kaff_dest_changed(struct ip_vs_service *svc,
			    struct ip_vs_dest *dest);
int ip_vs_kaff_del_dest(struct ip_vs_service *svc, struct ip_vs_dest *dest);
int ip_vs_kaff_upd_dest(struct ip_vs_service *svc, struct ip_vs_dest *dest);
struct ip_vs_dest *ip_vs_kaff_pick_client(struct ip_vs_service *svc,
					  const struct ip_vs_kaff_table *t,
					  const struct sk_buff *skb,
					  const struct ip_vs_iphdr *iph,
					  bool addr_only);
int ip_vs_kaff_proc_create(struct net *net, struct ip_vs_kaff_class *c);
int ip_vs_kaff_register(struct ip_vs_kaff_class *c,
			struct pernet_operations *ops);
void ip_vs_kaff_unregister(struct ip_vs_kaff_class *c,
			   struct pernet_operations *ops);

/* ip_vs_kaff_svc.c */
struct ip_vs_kaff_svc *ip_vs_kaff_svc_create(struct ip_vs_service *svc,
					     struct list_head *dests,
					     const struct ip_vs_kaff_conf *c);
void ip_vs_kaff_svc_start(struct ip_vs_kaff_svc *s);
void ip_vs_kaff_svc_destroy(struct ip_vs_kaff_svc *s);
int ip_vs_kaff_svc_update(struct ip_vs_kaff_svc *s, struct list_head *dests);
int ip_vs_kaff_svc_reseed(struct ip_vs_kaff_svc *s, u64 seed);
void ip_vs_kaff_svc_name(const struct ip_vs_service *svc, char *buf,
			 size_t size);

/* ip_vs_kaff_maglev.c */
struct ip_vs_kaff_table *ip_vs_kaff_table_build(struct list_head *dests,
						u64 seed);
struct ip_vs_kaff_table *
ip_vs_kaff_table_reseed(const struct ip_vs_kaff_table *old, u64 seed);
void ip_vs_kaff_table_release(struct ip_vs_kaff_table *t);
void ip_vs_kaff_table_free(struct ip_vs_kaff_table *t);
int ip_vs_kaff_table_index(const struct ip_vs_kaff_table *t,
			   const struct ip_vs_dest *d);
u64 ip_vs_kaff_hash_key(const struct ip_vs_kaff_table *t, const u8 *key,
			size_t len);
u64 ip_vs_kaff_hash_addr(const struct ip_vs_kaff_table *t, int af,
			 const union nf_inet_addr *addr, __be16 port);
struct ip_vs_dest *ip_vs_kaff_table_pick(const struct ip_vs_kaff_table *t,
					 u64 hash);
struct ip_vs_dest *ip_vs_kaff_table_pick_idx(const struct ip_vs_kaff_table *t,
					     u64 hash, u16 *idx);
int ip_vs_kaff_table_find(const struct ip_vs_kaff_table *t,
			  const struct ip_vs_dest *d);
bool ip_vs_kaff_dest_usable(const struct ip_vs_dest *dest);

/* ip_vs_kaff_tab.c: the binding table, for ip_vs_kaff_bind.c */
struct ip_vs_kaff_lookup_key {
	const u8	*key;
	u32		len;
	u64		hash;	/* SipHash under ip_vs_kaff_svc.bkey */
};

int ip_vs_kaff_tab_init(struct ip_vs_kaff_svc *s);
void ip_vs_kaff_tab_destroy(struct ip_vs_kaff_svc *s);
struct ip_vs_kaff_binding *
ip_vs_kaff_tab_find(const struct ip_vs_kaff_tab *t,
		    const struct ip_vs_kaff_lookup_key *k);
int ip_vs_kaff_tab_insert(struct ip_vs_kaff_svc *s,
			  struct ip_vs_kaff_binding *b,
			  const struct ip_vs_kaff_lookup_key *k,
			  struct ip_vs_kaff_binding **other);
struct ip_vs_kaff_tab *ip_vs_kaff_tab_pin(struct ip_vs_kaff_svc *s);
void ip_vs_kaff_tab_unpin(struct ip_vs_kaff_svc *s);
bool ip_vs_kaff_tab_remove_at(struct ip_vs_kaff_svc *s,
			      struct ip_vs_kaff_tab *t, unsigned int i,
			      unsigned int j,
			      bool (*still)(struct ip_vs_kaff_binding *,
					    unsigned long),
			      unsigned long arg);
bool ip_vs_kaff_tab_remove(struct ip_vs_kaff_svc *s, struct ip_vs_kaff_tab *t,
			   struct ip_vs_kaff_binding *b);
void ip_vs_kaff_tab_resize(struct ip_vs_kaff_svc *s);
void ip_vs_kaff_tab_resize_work(struct work_struct *work);
unsigned int ip_vs_kaff_tab_buckets(const struct ip_vs_kaff_tab *t);

/* ip_vs_kaff_svc.c */
void ip_vs_kaff_svc_kick_resize(struct ip_vs_kaff_svc *s);

/* ip_vs_kaff_bind.c */
int ip_vs_kaff_caches_init(void);
void ip_vs_kaff_caches_exit(void);
void ip_vs_kaff_binding_free(struct ip_vs_kaff_binding *b);
void ip_vs_kaff_binding_free_rcu(struct ip_vs_kaff_binding *b);
int ip_vs_kaff_bindings_init(struct ip_vs_kaff_svc *s);
void ip_vs_kaff_bindings_destroy(struct ip_vs_kaff_svc *s);
struct ip_vs_dest *ip_vs_kaff_bind(struct ip_vs_kaff_svc *s,
				   const struct ip_vs_kaff_table *t,
				   const struct ip_vs_kaff_req *r,
				   bool move_quiesced, unsigned long now,
				   struct ip_vs_kaff_binding **hit, bool *made);
struct ip_vs_dest *ip_vs_kaff_follow(struct ip_vs_kaff_svc *s,
				     const struct ip_vs_kaff_table *t,
				     const u8 *key, u32 len, bool move_quiesced,
				     unsigned long now,
				     struct ip_vs_kaff_binding **hit);
int ip_vs_kaff_bind_rs(struct ip_vs_kaff_svc *s,
		       const struct ip_vs_kaff_table *t,
		       const struct ip_vs_kaff_req *r, struct ip_vs_dest *dest,
		       unsigned long now, struct ip_vs_kaff_binding **hit);
void ip_vs_kaff_gc_lower(struct ip_vs_kaff_svc *s, unsigned long exp);
unsigned int ip_vs_kaff_gc(struct ip_vs_kaff_svc *s, unsigned long now);
unsigned int ip_vs_kaff_flush(struct ip_vs_kaff_svc *s);
unsigned int ip_vs_kaff_walk(struct ip_vs_kaff_svc *s,
			     bool (*expired)(struct ip_vs_kaff_binding *,
					     unsigned long),
			     unsigned long arg);
void ip_vs_kaff_stats_sum(const struct ip_vs_kaff_svc *s,
			  struct ip_vs_kaff_stats *sum);
/* ... single-binding access by key, for the netlink operations */
struct ip_vs_kaff_binding *ip_vs_kaff_lookup(struct ip_vs_kaff_svc *s,
					     const u8 *key, u32 len);
bool ip_vs_kaff_unbind_key(struct ip_vs_kaff_svc *s, const u8 *key, u32 len);

/*
 * A binding's new expiry. Bindings never expire before s->gc_next, which
 * this lowers when needed (ip_vs_kaff_gc()).
 */
static inline void ip_vs_kaff_set_expires(struct ip_vs_kaff_svc *s,
					  struct ip_vs_kaff_binding *b,
					  unsigned long exp)
{
	WRITE_ONCE(b->expires, (u32)exp);
	ip_vs_kaff_gc_lower(s, exp);
}

/*
 * Another datagram of a binding that stays in its state: it lives until
 * @exp. Only ever later, so that s->gc_next stays a lower bound, and not
 * for less than HZ / 4, to keep the cache line clean on every datagram.
 */
static inline void ip_vs_kaff_extend(struct ip_vs_kaff_binding *b,
				     unsigned long exp)
{
	if (time_after32((u32)exp, READ_ONCE(b->expires) + HZ / 4))
		WRITE_ONCE(b->expires, (u32)exp);
}

/* A binding was used at @now (jiffies); written only when it changes. */
static inline void ip_vs_kaff_used(struct ip_vs_kaff_binding *b,
				   unsigned long now)
{
	if (READ_ONCE(b->last_use) != (u32)now)
		WRITE_ONCE(b->last_use, (u32)now);
}

/*
 * Do a quiesced server's (weight 0) bindings move at their next datagram
 * instead of draining? Scheduler flag 1 of the service (@flags) or the
 * drain policy set over netlink.
 */
static inline bool ip_vs_kaff_move_quiesced(const struct ip_vs_kaff_svc *s,
					    unsigned int flags)
{
	return (flags & IP_VS_SVC_F_SCHED1) || READ_ONCE(s->conf.move_quiesced);
}

#endif /* IP_VS_KAFF_H */
