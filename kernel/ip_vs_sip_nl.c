// SPDX-License-Identifier: GPL-2.0
/*
 * IPVS "sip" scheduler: its operations of the ipvs_udp generic netlink
 * family (docs/netlink.md), sip-get, sip-set and its part of counters-get,
 * served by the keyed-affinity core (ip_vs_kaff_nl.c) with the attributes
 * named here. The binding operations are the core's own.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>

#include "ip_vs_kaff_nl.h"
#include "ip_vs_sip.h"

static_assert(IPVS_UDP_A_SIP_SETTINGS_MAX <= IP_VS_KAFF_NL_SETTINGS_MAX);

const struct ip_vs_kaff_nl_desc ip_vs_sip_nl_desc = {
	.callid		= true,
	.get_cmd	= IPVS_UDP_CMD_SIP_GET,
	.a_service	= IPVS_UDP_A_SIP_SERVICE,
	.a_settings	= IPVS_UDP_A_SIP_SETTINGS,
	.a_counters	= IPVS_UDP_A_SIP_COUNTERS,
	.s_max		= IPVS_UDP_A_SIP_SETTINGS_MAX,
	.s_timeout	= {
		[IP_VS_SIP_S_TRANSACTION] =
			IPVS_UDP_A_SIP_SETTINGS_TRANSACTION_TIMEOUT,
		[IP_VS_SIP_S_EARLY]	= IPVS_UDP_A_SIP_SETTINGS_EARLY_TIMEOUT,
		[IP_VS_SIP_S_DIALOG]	= IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT,
		[IP_VS_SIP_S_LINGER]	= IPVS_UDP_A_SIP_SETTINGS_LINGER_TIMEOUT,
	},
	.s_max_bindings	= IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS,
	.s_seed		= IPVS_UDP_A_SIP_SETTINGS_SEED,
	.s_drain_policy	= IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY,
	.s_svc_flags	= IPVS_UDP_A_SIP_SETTINGS_SVC_FLAGS,
	.s_pad		= IPVS_UDP_A_SIP_SETTINGS_PAD,
	.c_bindings	= IPVS_UDP_A_SIP_COUNTERS_BINDINGS,
	.c_messages	= IPVS_UDP_A_SIP_COUNTERS_MESSAGES,
	.c_hits		= IPVS_UDP_A_SIP_COUNTERS_HITS,
	.c_created	= IPVS_UDP_A_SIP_COUNTERS_CREATED,
	.c_expired	= IPVS_UDP_A_SIP_COUNTERS_EXPIRED,
	.c_moved	= IPVS_UDP_A_SIP_COUNTERS_MOVED,
	.c_refused	= IPVS_UDP_A_SIP_COUNTERS_REFUSED,
	.c_nodest	= IPVS_UDP_A_SIP_COUNTERS_NODEST,
	.c_pad		= IPVS_UDP_A_SIP_COUNTERS_PAD,
	.c_cls		= {
		[IP_VS_SIP_C_PARSED]	= IPVS_UDP_A_SIP_COUNTERS_PARSED,
		[IP_VS_SIP_C_NOKEY]	= IPVS_UDP_A_SIP_COUNTERS_NOKEY,
		[IP_VS_SIP_C_OVERSIZED]	= IPVS_UDP_A_SIP_COUNTERS_OVERSIZED,
		[IP_VS_SIP_C_ENDED]	= IPVS_UDP_A_SIP_COUNTERS_ENDED,
		[IP_VS_SIP_C_TOOLONG]	= IPVS_UDP_A_SIP_COUNTERS_TOOLONG,
	},
	.k_nest		= IPVS_UDP_A_COUNTERS_SIP,
	.k_service	= IPVS_UDP_A_SIP_SERVICE_SERVICE,
	.k_counters	= IPVS_UDP_A_SIP_SERVICE_COUNTERS,
};

static int ip_vs_sip_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_kaff_nl_get(&ip_vs_sip_class, skb, info);
}

static int ip_vs_sip_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	return ip_vs_kaff_nl_set(&ip_vs_sip_class, skb, info);
}

static int ip_vs_sip_nl_counters(struct sk_buff *msg, struct net *net,
				 const struct ip_vs_udp_nl_svc_key *filter,
				 struct netlink_ext_ack *extack)
{
	return ip_vs_kaff_nl_counters(&ip_vs_sip_class, msg, net, filter);
}

const struct ip_vs_udp_nl_provider ip_vs_sip_nl_provider_v2 = {
	.doit	= {
		[IPVS_UDP_CMD_SIP_GET]		= ip_vs_sip_nl_get,
		[IPVS_UDP_CMD_SIP_SET]		= ip_vs_sip_nl_set,
	},
	.counters = ip_vs_sip_nl_counters,
};
EXPORT_SYMBOL_GPL(ip_vs_sip_nl_provider_v2);
