/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the IPVS "sip" scheduler shared by its source files and its
 * KUnit suite. Not a stable interface.
 */
#ifndef IP_VS_SIP_H
#define IP_VS_SIP_H

#include <linux/types.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/workqueue.h>
#include <net/ip_vs.h>

#include "ip_vs_sip_parse.h"

/* Scheduler flags (ipvsadm -b flag-1,flag-2,flag-3) */
#define IP_VS_SVC_F_SIP_MOVE_QUIESCED	IP_VS_SVC_F_SCHED1 /* weight 0: move */
#define IP_VS_SVC_F_SIP_ADDR_ONLY	IP_VS_SVC_F_SCHED2 /* no key: addr hash */
#define IP_VS_SVC_F_SIP_STATELESS	IP_VS_SVC_F_SCHED3 /* no bindings */

/*
 * Maglev lookup table size: a prime well above 100 times the number of
 * real servers a SIP service has, so that each server's share is within
 * about 1% of its weight (Eisenbud et al., NSDI 2016, section 3.4).
 */
#define IP_VS_SIP_MAGLEV_SIZE	16381
#define IP_VS_SIP_MAX_DESTS	4096
#define IP_VS_SIP_NO_DEST	0xffff
/* Rehash attempts before a deterministic scan when a slot's server is out */
#define IP_VS_SIP_PROBES	16

/* Per-service settings; module parameters give the defaults. */
struct ip_vs_sip_conf {
	unsigned int	dialog_timeout;		/* seconds */
	unsigned int	early_timeout;		/* seconds */
	unsigned int	transaction_timeout;	/* seconds */
	unsigned int	linger_timeout;		/* seconds */
	unsigned int	max_bindings;
	u64		seed;
	bool		move_quiesced;	/* set over netlink: drain policy */
};

/* One generation of the consistent-hash table, replaced as a whole. */
struct ip_vs_sip_table {
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
						 * (ip_vs_sip_table_release())
						 */
	u16			slot[IP_VS_SIP_MAGLEV_SIZE];
};

enum ip_vs_sip_state {
	IP_VS_SIP_S_TRANSACTION,	/* non-INVITE transaction: 64*T1 */
	IP_VS_SIP_S_EARLY,		/* INVITE sent, no final answer yet */
	IP_VS_SIP_S_DIALOG,		/* confirmed dialog: long idle timeout */
	IP_VS_SIP_S_LINGER,		/* ended by BYE/CANCEL/failure */
};

struct ip_vs_sip_binding {
	struct rhash_head	node;
	/*
	 * SipHash of the key under ip_vs_sip_svc.bkey: the placement hash
	 * when the table's seed has not changed since the service started,
	 * so that a message's key is hashed once. Lookups compare it first.
	 */
	u64			hash;
	/*
	 * The server this Call-ID is bound to. Used as an identity only and
	 * never dereferenced: it is looked up in the current table, which
	 * holds the references.
	 */
	struct ip_vs_dest	*dest;
	unsigned long		expires;	/* jiffies */
	unsigned long		created;	/* jiffies */
	unsigned long		last_use;	/* jiffies */
	struct rcu_head		rcu;
	u16			hint;		/* index in table->dests */
	u8			state;		/* enum ip_vs_sip_state */
	u8			len;
	u8			key[];
};

struct ip_vs_sip_stats {
	u64	messages;	/* datagrams scheduled */
	u64	parsed;		/* ... with a Call-ID */
	u64	nokey;		/* ... without: placed by client address */
	u64	oversized;	/* Call-ID longer than the cap: hash only */
	u64	hits;		/* bound Call-ID found */
	u64	created;	/* bindings created */
	u64	expired;	/* bindings removed by timeout */
	u64	moved;		/* bindings moved off an unusable server */
	u64	refused;	/* not bound: table at its cap */
	u64	ended;		/* dialogs ended (BYE, CANCEL, failure) */
	u64	nodest;		/* no server available */
	u64	toolong;	/* header section cut at a parser cap */
};

struct ip_vs_sip_svc {
	struct ip_vs_service		*svc;	/* NULL in KUnit tests */
	struct net			*net;
	struct list_head		list;	/* all sip services */
	struct ip_vs_sip_conf		conf;	/* seed: under the table mutex */
	struct ip_vs_sip_table __rcu	*table;
	struct rhashtable		bindings;
	atomic_t			nbindings;
	/* Key of the binding hashes (ip_vs_sip_binding.hash) */
	siphash_key_t			bkey;
	/*
	 * No binding expires before gc_next (jiffies) once gc_valid is set:
	 * ip_vs_sip_gc() skips its walk until then (ip_vs_sip_bind.c).
	 */
	unsigned long			gc_next;
	bool				gc_valid;
	struct ip_vs_sip_stats __percpu	*stats;
	struct delayed_work		gc_work;
	struct rcu_work			free_work;
	bool				dying;
};

/* ip_vs_sip_sched.c (visible to the KUnit suite only) */
struct ip_vs_sip_svc *ip_vs_sip_svc_create(struct ip_vs_service *svc,
					   struct list_head *dests);
void ip_vs_sip_svc_destroy(struct ip_vs_sip_svc *s);
int ip_vs_sip_svc_update(struct ip_vs_sip_svc *s, struct list_head *dests);
int ip_vs_sip_svc_reseed(struct ip_vs_sip_svc *s, u64 seed);
int ip_vs_sip_payload(struct ip_vs_sip_stats __percpu *stats,
		      const struct sk_buff *skb, const struct ip_vs_iphdr *iph,
		      struct ip_vs_sip_msg *msg);

/* ip_vs_sip_maglev.c */
struct ip_vs_sip_table *ip_vs_sip_table_build(struct list_head *dests,
					      const struct ip_vs_sip_conf *c);
struct ip_vs_sip_table *
ip_vs_sip_table_reseed(const struct ip_vs_sip_table *old, u64 seed);
void ip_vs_sip_table_release(struct ip_vs_sip_table *t);
void ip_vs_sip_table_free(struct ip_vs_sip_table *t);
int ip_vs_sip_table_index(const struct ip_vs_sip_table *t,
			  const struct ip_vs_dest *d);
u64 ip_vs_sip_hash_key(const struct ip_vs_sip_table *t, const u8 *key,
		       size_t len);
u64 ip_vs_sip_hash_addr(const struct ip_vs_sip_table *t, int af,
			const union nf_inet_addr *addr, __be16 port);
struct ip_vs_dest *ip_vs_sip_table_pick(const struct ip_vs_sip_table *t,
					u64 hash);
struct ip_vs_dest *ip_vs_sip_table_pick_idx(const struct ip_vs_sip_table *t,
					    u64 hash, u16 *idx);
int ip_vs_sip_table_find(const struct ip_vs_sip_table *t,
			 const struct ip_vs_dest *d);
bool ip_vs_sip_dest_usable(const struct ip_vs_dest *dest);

/* ip_vs_sip_bind.c */
int ip_vs_sip_bindings_init(struct ip_vs_sip_svc *s);
void ip_vs_sip_bindings_destroy(struct ip_vs_sip_svc *s);
struct ip_vs_dest *ip_vs_sip_bind(struct ip_vs_sip_svc *s,
				  const struct ip_vs_sip_table *t,
				  const struct ip_vs_sip_msg *msg, u64 hash,
				  bool move_quiesced, unsigned long now);
int ip_vs_sip_bind_rs(struct ip_vs_sip_svc *s, const struct ip_vs_sip_table *t,
		      const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
		      unsigned long now);
int ip_vs_sip_rs_decide(struct ip_vs_sip_svc *s,
			const struct ip_vs_sip_table *t,
			const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
			bool pinned, unsigned long now);
unsigned int ip_vs_sip_gc(struct ip_vs_sip_svc *s, unsigned long now);
unsigned int ip_vs_sip_flush(struct ip_vs_sip_svc *s);
unsigned int ip_vs_sip_walk(struct ip_vs_sip_svc *s,
			    bool (*expired)(struct ip_vs_sip_binding *,
					    unsigned long),
			    unsigned long arg);
void ip_vs_sip_stats_sum(const struct ip_vs_sip_svc *s,
			 struct ip_vs_sip_stats *sum);
/* ... single-binding access by hash, for ip_vs_sip_nl.c */
struct ip_vs_sip_binding *ip_vs_sip_lookup(struct ip_vs_sip_svc *s,
					   const u8 *key, u32 len);
bool ip_vs_sip_unbind_key(struct ip_vs_sip_svc *s, const u8 *key, u32 len);

/* ip_vs_sip_sched.c: every sip service, under the mutex */
extern struct list_head ip_vs_sip_services;
extern struct mutex ip_vs_sip_mutex;

/* ip_vs_sip_nl.c: the ipvs_udp generic netlink operations */
void ip_vs_sip_nl_dest_event(struct ip_vs_sip_svc *s,
			     const struct ip_vs_dest *dest, u32 reason);

#endif /* IP_VS_SIP_H */
