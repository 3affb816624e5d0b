/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the IPVS "reply" persistence engine shared by its source
 * files, the "lor" scheduler and the KUnit suites. Not a stable interface:
 * only ip_vs_pe_reply_svc_net() and ip_vs_pe_reply_outstanding() are
 * exported to other modules.
 */
#ifndef IP_VS_PE_REPLY_H
#define IP_VS_PE_REPLY_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/workqueue.h>
#include <net/ip_vs.h>

#include "ip_vs_udp_nl.h"

/* How a request and its reply are matched, from the service ports. */
enum ip_vs_pe_reply_kind {
	IP_VS_PE_REPLY_K_ADDR,		/* addresses and ports only */
	IP_VS_PE_REPLY_K_DNS,		/* + 16-bit message ID (RFC 1035) */
	IP_VS_PE_REPLY_K_RADIUS,	/* + 8-bit Identifier (RFC 2865) */
};

/* Fixed headers needed to read a transaction ID. */
#define IP_VS_PE_REPLY_DNS_HDR		12
#define IP_VS_PE_REPLY_RADIUS_HDR	20
#define IP_VS_PE_REPLY_HDR_MAX		IP_VS_PE_REPLY_RADIUS_HDR

/* Reply latency histogram: < 1 ms, < 10 ms, < 100 ms, < 1 s, >= 1 s */
#define IP_VS_PE_REPLY_NBUCKETS		5

/* Most real servers tracked per network namespace. */
#define IP_VS_PE_REPLY_MAX_DESTS	65536
/* A real server's counters go after this long without requests or records. */
#define IP_VS_PE_REPLY_DEST_IDLE_NS	(600ULL * NSEC_PER_SEC)

/* Settings; the module parameters in production, the test's own in KUnit. */
struct ip_vs_pe_reply_conf {
	unsigned int	timeout_ms;	/* reply timeout */
	unsigned int	max_requests;	/* outstanding records per netns */
	bool		strict;		/* only replies get the VIP */
	bool		txid_match;	/* DNS/RADIUS IDs in the key */
};

/*
 * Settings of one service (reply-set with a service), kept by the engine
 * per namespace: IPVS tells an engine nothing about its services, so an
 * entry outlives its service until reset. Keyed as IPVS keys services.
 */
struct ip_vs_pe_reply_svcconf {
	struct hlist_node		node;
	struct rcu_head			rcu;
	struct ip_vs_udp_nl_svc_key	key;
	unsigned int			timeout_ms;	/* 0: the namespace's */
	s8				strict;		/* -1: the namespace's */
	s8				txid_match;	/* -1: the namespace's */
};

/* Most services with settings of their own, per namespace */
#define IP_VS_PE_REPLY_MAX_SVCCONF	1024
#define IP_VS_PE_REPLY_SVCCONF_BITS	8

/* The settings in effect for one service, on the packet path. */
struct ip_vs_pe_reply_eff {
	u64	timeout_ns;	/* 0: the namespace's */
	bool	strict;
	bool	txid_match;
};

/*
 * Identity of one outstanding request, as the director sees its reply:
 * from the real server (raddr:rport) to the client (caddr:cport). Hashed
 * as raw bytes, so every byte is written (unused address bytes zero).
 */
struct ip_vs_pe_reply_key {
	union nf_inet_addr	caddr;
	union nf_inet_addr	raddr;
	__be16			cport;
	__be16			rport;
	u16			txid;	/* 0 unless kind != K_ADDR */
	u8			af;
	u8			kind;	/* enum ip_vs_pe_reply_kind */
};

/* Identity of a real server for the accounting: (af, addr, port), UDP. */
struct ip_vs_pe_reply_dkey {
	union nf_inet_addr	addr;
	__be16			port;
	u16			af;
};

struct ip_vs_pe_reply_dstats {
	u64	requests;	/* requests recorded or re-armed */
	u64	replies;	/* first replies within the timeout */
	u64	timeouts;	/* requests without a reply in time */
	u64	duplicates;	/* further replies to answered requests */
	u64	late;		/* replies after the timeout */
	u64	hist[IP_VS_PE_REPLY_NBUCKETS];
	u64	lat_sum_ns;	/* the latencies of the first replies */
};

/* Accounting of one real server, in one network namespace. */
struct ip_vs_pe_reply_dest {
	struct rhash_head		node;
	struct ip_vs_pe_reply_dkey	key;
	/* one for the table, one per request record pointing here */
	refcount_t			ref;
	atomic_t			outstanding;
	u8				kind;	/* of the last request */
	/* the service address of the last request, for /proc */
	union nf_inet_addr		vaddr;
	__be16				vport;
	u32				mark;
	u64				last_use;	/* ns */
	u64				ewma_ns;	/* 0: no sample yet */
	u64				notified_timeouts; /* netlink event */
	struct ip_vs_pe_reply_dstats __percpu *stats;
	struct rcu_head			rcu;
};

/*
 * Record states, in the low bits of ip_vs_pe_reply_req.state; the bits
 * above count re-arms, so that a compare-and-exchange never mistakes a
 * re-armed record for the one it read (ABA).
 */
enum {
	IP_VS_PE_REPLY_S_PENDING,	/* forwarded, no reply yet */
	IP_VS_PE_REPLY_S_ANSWERED,	/* replied within the timeout */
	IP_VS_PE_REPLY_S_TIMEDOUT,	/* no reply in time: late from now */
	IP_VS_PE_REPLY_S_DEAD,		/* being removed */
};

#define IP_VS_PE_REPLY_S_MASK		3
#define IP_VS_PE_REPLY_GEN		4

/* One request forwarded to a real server, waiting for (or answered by) a
 * reply.
 */
struct ip_vs_pe_reply_req {
	struct rhash_head		node;
	struct ip_vs_pe_reply_key	key;
	union nf_inet_addr		vaddr;	/* where the client sent it */
	__be16				vport;
	atomic_t			state;
	u64				sent;		/* ns */
	u64				deadline;	/* ns */
	struct ip_vs_pe_reply_dest	*dest;	/* holds a reference */
	struct rcu_head			rcu;
};

/* What the LOCAL_OUT hook knows about one request. */
struct ip_vs_pe_reply_reqinfo {
	struct ip_vs_pe_reply_key	key;
	union nf_inet_addr		vaddr;
	__be16				vport;
	u32				mark;
	u64				timeout_ns;	/* 0: the namespace's */
};

/* Namespace-wide counters. */
struct ip_vs_pe_reply_stats {
	u64	requests;	/* recorded, refreshed or re-armed */
	u64	refused;	/* not recorded: cap, memory, races */
	u64	replies;	/* answered within the timeout */
	u64	duplicates;	/* further replies within the timeout */
	u64	late;		/* replies after the timeout */
	u64	unsolicited;	/* replies matching no request */
	u64	timeouts;	/* requests that got no reply in time */
	/* Datagrams from real servers of sip services (also counted above
	 * by the request records), by what the sip scheduler said of their
	 * Call-ID:
	 */
	u64	sip_bound;	/* Call-ID bound to the sender: translated */
	u64	sip_new;	/* first seen from it, bound now: translated */
	u64	sip_other;	/* another server's, or at the cap: unchanged */
	u64	sip_nokey;	/* no Call-ID or fwmark: records decide */
	u64	permissive;	/* unmatched, given the VIP (strict 0) */
	u64	no_conn;	/* to translate, but IPVS made no connection
				 * entry (conn_max, memory): left unchanged,
				 * the request still pending
				 */
};

struct ip_vs_pe_reply_net {
	struct net				*net;
	const struct ip_vs_pe_reply_conf	*conf;
	struct rhashtable			reqs;
	atomic_t				nreqs;
	struct rhashtable			dests;
	atomic_t				ndests;
	struct ip_vs_pe_reply_stats __percpu	*stats;
	struct workqueue_struct			*wq;	/* NULL: no GC work */
	struct delayed_work			gc_work;
	unsigned long				gc_armed;	/* bit 0 */
	bool					dying;
	/* Set over netlink (reply-set); conf then points to own_conf. */
	struct ip_vs_pe_reply_conf		own_conf;
	unsigned int				timeout_threshold;
	/* Per-service settings: RCU readers, written under the nl mutex. */
	struct hlist_head	svcconf[1 << IP_VS_PE_REPLY_SVCCONF_BITS];
	unsigned int				nsvcconf;
};

enum ip_vs_pe_reply_record_res {
	IP_VS_PE_REPLY_RECORDED,	/* new record */
	IP_VS_PE_REPLY_REFRESHED,	/* same key still pending: later deadline */
	IP_VS_PE_REPLY_REARMED,		/* same key answered or timed out before */
	IP_VS_PE_REPLY_REFUSED,		/* not recorded */
};

enum ip_vs_pe_reply_verdict {
	IP_VS_PE_REPLY_ANSWER,		/* first reply in time: translate */
	IP_VS_PE_REPLY_DUPLICATE,	/* another reply in time: translate */
	IP_VS_PE_REPLY_LATE,		/* after the timeout: pass unchanged */
	IP_VS_PE_REPLY_UNSOLICITED,	/* no such request: pass unchanged */
};

/* ip_vs_pe_reply_table.c (the internals are visible to KUnit only) */
u8 ip_vs_pe_reply_kind(__be16 vport, __be16 rport);
unsigned int ip_vs_pe_reply_hdr_len(u8 kind);
bool ip_vs_pe_reply_txid(u8 kind, const u8 *data, size_t len, u16 *txid);
unsigned int ip_vs_pe_reply_bucket(u64 ns);
u64 ip_vs_pe_reply_ewma(u64 avg, u64 sample);
int ip_vs_pe_reply_net_init(struct ip_vs_pe_reply_net *pn,
			    const struct ip_vs_pe_reply_conf *conf,
			    struct workqueue_struct *wq);
void ip_vs_pe_reply_net_destroy(struct ip_vs_pe_reply_net *pn);
enum ip_vs_pe_reply_record_res
ip_vs_pe_reply_record(struct ip_vs_pe_reply_net *pn,
		      const struct ip_vs_pe_reply_reqinfo *info, u64 now);
enum ip_vs_pe_reply_verdict
ip_vs_pe_reply_lookup(struct ip_vs_pe_reply_net *pn,
		      struct ip_vs_pe_reply_key *key, const u8 *data,
		      size_t len, u64 now, union nf_inet_addr *vaddr,
		      __be16 *vport, struct ip_vs_pe_reply_req **rp);
enum ip_vs_pe_reply_verdict
ip_vs_pe_reply_commit(struct ip_vs_pe_reply_net *pn,
		      struct ip_vs_pe_reply_req *r, u64 now);
enum ip_vs_pe_reply_verdict
ip_vs_pe_reply_match(struct ip_vs_pe_reply_net *pn,
		     struct ip_vs_pe_reply_key *key, const u8 *data,
		     size_t len, u64 now, union nf_inet_addr *vaddr,
		     __be16 *vport);
unsigned int ip_vs_pe_reply_gc(struct ip_vs_pe_reply_net *pn, u64 now);
struct ip_vs_pe_reply_dest *
ip_vs_pe_reply_dest_find(struct ip_vs_pe_reply_net *pn, int af,
			 const union nf_inet_addr *addr, __be16 port);
void ip_vs_pe_reply_stats_sum(const struct ip_vs_pe_reply_net *pn,
			      struct ip_vs_pe_reply_stats *sum);
void ip_vs_pe_reply_dstats_sum(const struct ip_vs_pe_reply_dest *d,
			       struct ip_vs_pe_reply_dstats *sum);
int ip_vs_pe_reply_rs_verdict(struct ip_vs_pe_reply_net *pn, int verdict);

/* ip_vs_pe_reply_core.c, exported to the lor scheduler (always) */
struct ip_vs_pe_reply_net *
ip_vs_pe_reply_svc_net(const struct ip_vs_service *svc);
unsigned int ip_vs_pe_reply_outstanding(struct ip_vs_pe_reply_net *pn,
					const struct ip_vs_dest *dest);

/* ip_vs_pe_reply_core.c: the state of a network namespace */
struct ip_vs_pe_reply_net *ip_vs_pe_reply_pernet(struct net *net);

/* ip_vs_pe_reply_nl.c: the ipvs_udp generic netlink operations */
void ip_vs_pe_reply_nl_check(struct ip_vs_pe_reply_net *pn);
void ip_vs_pe_reply_eff(struct ip_vs_pe_reply_net *pn,
			const struct ip_vs_service *svc,
			struct ip_vs_pe_reply_eff *eff);
void ip_vs_pe_reply_svcconf_free(struct ip_vs_pe_reply_net *pn);

#endif /* IP_VS_PE_REPLY_H */
