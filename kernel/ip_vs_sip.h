/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the IPVS "sip" scheduler shared by its source files and its
 * KUnit suite. Not a stable interface.
 */
#ifndef IP_VS_SIP_H
#define IP_VS_SIP_H

#include <linux/types.h>
#include <linux/rcupdate.h>
#include <net/ip_vs.h>

#include "ip_vs_kaff.h"
#include "ip_vs_sip_parse.h"

/* Scheduler flags (ipvsadm -b flag-1,flag-2,flag-3) */
#define IP_VS_SVC_F_SIP_MOVE_QUIESCED	IP_VS_SVC_F_SCHED1 /* weight 0: move */
#define IP_VS_SVC_F_SIP_ADDR_ONLY	IP_VS_SVC_F_SCHED2 /* no key: addr hash */
#define IP_VS_SVC_F_SIP_STATELESS	IP_VS_SVC_F_SCHED3 /* no bindings */

enum ip_vs_sip_state {
	IP_VS_SIP_S_TRANSACTION,	/* non-INVITE transaction: 64*T1 */
	IP_VS_SIP_S_EARLY,		/* INVITE sent, no final answer yet */
	IP_VS_SIP_S_DIALOG,		/* confirmed dialog: long idle timeout */
	IP_VS_SIP_S_LINGER,		/* ended by BYE/CANCEL/failure */
};

/* The binding timeouts: ip_vs_kaff_conf.timeout[] by state */
#define IP_VS_SIP_S_NSTATES	4

/* The scheduler's own counters: ip_vs_kaff_stats.cls[] */
enum ip_vs_sip_counter {
	IP_VS_SIP_C_PARSED,	/* datagrams with a Call-ID */
	IP_VS_SIP_C_NOKEY,	/* ... without: placed by client address */
	IP_VS_SIP_C_OVERSIZED,	/* Call-ID longer than the cap: hash only */
	IP_VS_SIP_C_ENDED,	/* dialogs ended (BYE, CANCEL, failure) */
	IP_VS_SIP_C_TOOLONG,	/* header section cut at a parser cap */
	IP_VS_SIP_C_NCOUNTERS
};

/* ip_vs_sip_sched.c (visible to the KUnit suite only) */
struct ip_vs_kaff_svc *ip_vs_sip_svc_create(struct ip_vs_service *svc,
					    struct list_head *dests);
int ip_vs_sip_payload(struct ip_vs_kaff_stats __percpu *stats,
		      const struct sk_buff *skb, const struct ip_vs_iphdr *iph,
		      struct ip_vs_sip_msg *msg);

/* ip_vs_sip_bind.c */
struct ip_vs_dest *ip_vs_sip_bind(struct ip_vs_kaff_svc *s,
				  const struct ip_vs_kaff_table *t,
				  const struct ip_vs_sip_msg *msg, u64 hash,
				  bool move_quiesced, unsigned long now);
int ip_vs_sip_bind_rs(struct ip_vs_kaff_svc *s,
		      const struct ip_vs_kaff_table *t,
		      const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
		      unsigned long now);
int ip_vs_sip_rs_decide(struct ip_vs_kaff_svc *s,
			const struct ip_vs_kaff_table *t,
			const struct ip_vs_sip_msg *m, struct ip_vs_dest *dest,
			bool pinned, unsigned long now);

/* ip_vs_sip_sched.c: the scheduler on the keyed-affinity core */
extern struct ip_vs_kaff_class ip_vs_sip_class;

/* ip_vs_sip_nl.c: its attributes of the ipvs_udp generic netlink family */
extern const struct ip_vs_kaff_nl_desc ip_vs_sip_nl_desc;

#endif /* IP_VS_SIP_H */
