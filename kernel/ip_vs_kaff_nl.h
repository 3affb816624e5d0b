/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ipvs_udp generic netlink operations of the keyed-affinity schedulers
 * (ip_vs_kaff_nl.c): one implementation of the settings, counters, binding
 * and event operations for every scheduler on the core, which describes
 * its own attributes in a struct ip_vs_kaff_nl_desc. Not a stable
 * interface.
 */
#ifndef IP_VS_KAFF_NL_H
#define IP_VS_KAFF_NL_H

#include "ip_vs_kaff.h"
#include "ip_vs_udp_nl.h"

/* Highest attribute type of any scheduler's settings nest */
#define IP_VS_KAFF_NL_SETTINGS_MAX	15

/*
 * A scheduler's attributes (include/uapi/linux/ipvs_udp.h); 0 is "none",
 * as no attribute set of the family uses type 0.
 */
struct ip_vs_kaff_nl_desc {
	bool		callid;		/* keys are SIP Call-IDs: bindings
					 * carry call-id too
					 */
	/* the attribute set of its get and set operations */
	u8		get_cmd;
	int		a_service;
	int		a_settings;
	int		a_counters;
	/* its settings nest: the timeout of each binding state */
	int		s_max;
	int		s_timeout[IP_VS_KAFF_NSTATES];
	int		s_max_bindings;
	int		s_seed;
	int		s_drain_policy;
	int		s_svc_flags;
	int		s_pad;
	/* its counters nest: the core's, then the scheduler's (cls[]) */
	int		c_bindings;
	int		c_messages;
	int		c_hits;
	int		c_created;
	int		c_expired;
	int		c_moved;
	int		c_refused;
	int		c_nodest;
	int		c_pad;
	int		c_cls[IP_VS_KAFF_NCLS];
	/* counters-get: its nest in the counters set and that nest's parts */
	int		k_nest;
	int		k_service;
	int		k_counters;
};

/* ip_vs_kaff_nl.c: a scheduler's operations (its provider calls these) */
int ip_vs_kaff_nl_get(const struct ip_vs_kaff_class *c, struct sk_buff *skb,
		      struct genl_info *info);
int ip_vs_kaff_nl_set(const struct ip_vs_kaff_class *c, struct sk_buff *skb,
		      struct genl_info *info);
int ip_vs_kaff_nl_counters(const struct ip_vs_kaff_class *c,
			   struct sk_buff *msg, struct net *net,
			   const struct ip_vs_udp_nl_svc_key *filter);
/* the events of a real server's bindings that move */
void ip_vs_kaff_nl_dest_event(struct ip_vs_kaff_svc *s,
			      const struct ip_vs_dest *dest, u32 reason);

#endif /* IP_VS_KAFF_NL_H */
