// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "radius" scheduler: its operations of the ipvs_udp generic netlink
 * family (docs/netlink.md), radius-get, radius-set and its part of counters-get,
 * served by the keyed-affinity core (ip_vs_kaff_nl.c) with the attributes
 * named here. The binding operations are the core's own.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>

#include "ip_vs_kaff_nl.h"
#include "ip_vs_radius.h"

static_assert(IPVS_UDP_A_RADIUS_SETTINGS_MAX <= IP_VS_KAFF_NL_SETTINGS_MAX);

const struct ip_vs_kaff_nl_desc ip_vs_radius_nl_desc = {
	.get_cmd	= IPVS_UDP_CMD_RADIUS_GET,
	.a_service	= IPVS_UDP_A_RADIUS_SERVICE,
	.a_settings	= IPVS_UDP_A_RADIUS_SETTINGS,
	.a_counters	= IPVS_UDP_A_RADIUS_COUNTERS,
	.s_max		= IPVS_UDP_A_RADIUS_SETTINGS_MAX,
	/* a login's conversation key and its States live alike */
	.s_timeout	= {
		[IP_VS_RADIUS_S_CONV]	=
			IPVS_UDP_A_RADIUS_SETTINGS_CONVERSATION_TIMEOUT,
		[IP_VS_RADIUS_S_STATE]	=
			IPVS_UDP_A_RADIUS_SETTINGS_CONVERSATION_TIMEOUT,
		[IP_VS_RADIUS_S_ACCT]	= IPVS_UDP_A_RADIUS_SETTINGS_ACCT_TIMEOUT,
	},
	.s_max_bindings	= IPVS_UDP_A_RADIUS_SETTINGS_MAX_BINDINGS,
	.s_seed		= IPVS_UDP_A_RADIUS_SETTINGS_SEED,
	.s_drain_policy	= IPVS_UDP_A_RADIUS_SETTINGS_DRAIN_POLICY,
	.s_svc_flags	= IPVS_UDP_A_RADIUS_SETTINGS_SVC_FLAGS,
	.s_pad		= IPVS_UDP_A_RADIUS_SETTINGS_PAD,
	.c_bindings	= IPVS_UDP_A_RADIUS_COUNTERS_BINDINGS,
	.c_messages	= IPVS_UDP_A_RADIUS_COUNTERS_MESSAGES,
	.c_hits		= IPVS_UDP_A_RADIUS_COUNTERS_HITS,
	.c_created	= IPVS_UDP_A_RADIUS_COUNTERS_CREATED,
	.c_expired	= IPVS_UDP_A_RADIUS_COUNTERS_EXPIRED,
	.c_moved	= IPVS_UDP_A_RADIUS_COUNTERS_MOVED,
	.c_refused	= IPVS_UDP_A_RADIUS_COUNTERS_REFUSED,
	.c_nodest	= IPVS_UDP_A_RADIUS_COUNTERS_NODEST,
	.c_pad		= IPVS_UDP_A_RADIUS_COUNTERS_PAD,
	.c_cls		= {
		[IP_VS_RADIUS_C_UNPARSED]	= IPVS_UDP_A_RADIUS_COUNTERS_UNPARSED,
		[IP_VS_RADIUS_C_SHORT]	= IPVS_UDP_A_RADIUS_COUNTERS_SHORT,
		[IP_VS_RADIUS_C_LENGTH]	= IPVS_UDP_A_RADIUS_COUNTERS_LENGTH,
		[IP_VS_RADIUS_C_ATTR]	= IPVS_UDP_A_RADIUS_COUNTERS_ATTR,
		[IP_VS_RADIUS_C_TOOMANY]	= IPVS_UDP_A_RADIUS_COUNTERS_TOOMANY,
		[IP_VS_RADIUS_C_NOTREQ]	= IPVS_UDP_A_RADIUS_COUNTERS_NOTREQ,
		[IP_VS_RADIUS_C_STATUS]	= IPVS_UDP_A_RADIUS_COUNTERS_STATUS,
		[IP_VS_RADIUS_C_NOKEY]	= IPVS_UDP_A_RADIUS_COUNTERS_NOKEY,
		[IP_VS_RADIUS_C_DUPSTATE]	= IPVS_UDP_A_RADIUS_COUNTERS_DUPSTATE,
		[IP_VS_RADIUS_C_OVERSIZED]	= IPVS_UDP_A_RADIUS_COUNTERS_OVERSIZED,
		[IP_VS_RADIUS_C_STATE_HIT]	= IPVS_UDP_A_RADIUS_COUNTERS_STATE_HITS,
		[IP_VS_RADIUS_C_STATE_MISS]	= IPVS_UDP_A_RADIUS_COUNTERS_STATE_MISSES,
		[IP_VS_RADIUS_C_LEARNED]	= IPVS_UDP_A_RADIUS_COUNTERS_LEARNED,
	},
	.k_nest		= IPVS_UDP_A_COUNTERS_RADIUS,
	.k_service	= IPVS_UDP_A_RADIUS_SERVICE_SERVICE,
	.k_counters	= IPVS_UDP_A_RADIUS_SERVICE_COUNTERS,
};

static int ip_vs_radius_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_kaff_nl_get(&ip_vs_radius_class, skb, info);
}

static int ip_vs_radius_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_kaff_nl_set(&ip_vs_radius_class, skb, info);
}

static int ip_vs_radius_nl_counters(struct sk_buff *msg, struct net *net,
				    const struct ip_vs_udp_nl_svc_key *filter,
				 struct netlink_ext_ack *extack)
{
	return ip_vs_kaff_nl_counters(&ip_vs_radius_class, msg, net, filter);
}

const struct ip_vs_udp_nl_provider ip_vs_radius_nl_provider_v2 = {
	.doit	= {
		[IPVS_UDP_CMD_RADIUS_GET]		= ip_vs_radius_nl_get,
		[IPVS_UDP_CMD_RADIUS_SET]		= ip_vs_radius_nl_set,
	},
	.counters = ip_vs_radius_nl_counters,
};
EXPORT_SYMBOL_GPL(ip_vs_radius_nl_provider_v2);
