/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the IPVS "radius" scheduler shared by its source files and
 * its KUnit suite. Not a stable interface.
 */
#ifndef IP_VS_RADIUS_H
#define IP_VS_RADIUS_H

#include <linux/types.h>
#include <net/ip_vs.h>

#include "ip_vs_kaff.h"
#include "ip_vs_radius_parse.h"

/* Scheduler flags (ipvsadm -b flag-1,flag-2,flag-3), as for sip */
#define IP_VS_SVC_F_RADIUS_MOVE_QUIESCED IP_VS_SVC_F_SCHED1 /* weight 0: move */
#define IP_VS_SVC_F_RADIUS_ADDR_ONLY	IP_VS_SVC_F_SCHED2 /* no key: addr */
#define IP_VS_SVC_F_RADIUS_STATELESS	IP_VS_SVC_F_SCHED3 /* no bindings */

/* Binding states: ip_vs_kaff_conf.timeout[] by state */
enum ip_vs_radius_state {
	IP_VS_RADIUS_S_CONV,	/* a conversation key (Calling-Station-Id,
				 * User-Name): the rounds of one login
				 */
	IP_VS_RADIUS_S_STATE,	/* a State learned from an Access-Challenge */
	IP_VS_RADIUS_S_ACCT,	/* an Acct-Session-Id (acct_timeout > 0) */
	IP_VS_RADIUS_S_NSTATES
};

/* The scheduler's own counters: ip_vs_kaff_stats.cls[] */
enum ip_vs_radius_counter {
	/* Placed by the client's address: */
	IP_VS_RADIUS_C_UNPARSED,	/* not a whole UDP datagram (a later
					 * fragment, not UDP)
					 */
	IP_VS_RADIUS_C_SHORT,		/* parse fallbacks, by kind */
	IP_VS_RADIUS_C_LENGTH,
	IP_VS_RADIUS_C_ATTR,
	IP_VS_RADIUS_C_TOOMANY,
	IP_VS_RADIUS_C_NOTREQ,		/* a Code that is not a request */
	IP_VS_RADIUS_C_STATUS,		/* Status-Server (RFC 5997) */
	IP_VS_RADIUS_C_NOKEY,		/* a request without key attributes */
	/* Placed by their attributes: */
	IP_VS_RADIUS_C_DUPSTATE,	/* two States: both ignored */
	IP_VS_RADIUS_C_OVERSIZED,	/* key over the cap: hash only */
	IP_VS_RADIUS_C_STATE_HIT,	/* a bound State decided */
	IP_VS_RADIUS_C_STATE_MISS,	/* a State not bound (or its server
					 * gone): the key decided
					 */
	IP_VS_RADIUS_C_LEARNED,		/* States bound from challenges */
	IP_VS_RADIUS_C_NCOUNTERS
};

/* A State's binding key: IP_VS_RADIUS_K_STATE, then the State */
#define IP_VS_RADIUS_STATE_KEY_MAX	(1 + 253)

/* ip_vs_radius_sched.c (visible to the KUnit suite only) */
struct ip_vs_kaff_svc *ip_vs_radius_svc_create(struct ip_vs_service *svc,
					       struct list_head *dests);
bool ip_vs_radius_place(struct ip_vs_kaff_svc *s,
			const struct ip_vs_kaff_table *t, unsigned int flags,
			int status, const struct ip_vs_radius_msg *m,
			unsigned long now, struct ip_vs_dest **dest);
bool ip_vs_radius_learn(struct ip_vs_kaff_svc *s,
			const struct ip_vs_kaff_table *t, unsigned int flags,
			const struct ip_vs_radius_msg *m,
			struct ip_vs_dest *dest, unsigned long now);

/* ip_vs_radius_sched.c: the scheduler on the keyed-affinity core */
extern struct ip_vs_kaff_class ip_vs_radius_class;

/* ip_vs_radius_nl.c: its attributes of the ipvs_udp generic netlink family */
extern const struct ip_vs_kaff_nl_desc ip_vs_radius_nl_desc;

#endif /* IP_VS_RADIUS_H */
