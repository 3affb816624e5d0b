/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	netlink/ipvs_udp.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_IPVS_UDP_GEN_H
#define _LINUX_IPVS_UDP_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/ipvs_udp.h>

/* Common nested types */
extern const struct nla_policy ipvs_udp_dest_nl_policy[IPVS_UDP_A_DEST_PORT + 1];
extern const struct nla_policy ipvs_udp_radius_settings_nl_policy[IPVS_UDP_A_RADIUS_SETTINGS_PAD + 1];
extern const struct nla_policy ipvs_udp_reply_dest_nl_policy[IPVS_UDP_A_REPLY_DEST_LATENCY_SUM_NS + 1];
extern const struct nla_policy ipvs_udp_reply_settings_nl_policy[IPVS_UDP_A_REPLY_SETTINGS_OWN + 1];
extern const struct nla_policy ipvs_udp_service_nl_policy[IPVS_UDP_A_SERVICE_FWMARK + 1];
extern const struct nla_policy ipvs_udp_sip_settings_nl_policy[IPVS_UDP_A_SIP_SETTINGS_PAD + 1];

extern const struct nla_policy ipvs_udp_sip_get_nl_policy[IPVS_UDP_A_SIP_SERVICE + 1];

extern const struct nla_policy ipvs_udp_sip_set_nl_policy[IPVS_UDP_A_SIP_SETTINGS + 1];

extern const struct nla_policy ipvs_udp_binding_get_do_nl_policy[IPVS_UDP_A_SIP_KEY + 1];

extern const struct nla_policy ipvs_udp_binding_flush_nl_policy[IPVS_UDP_A_SIP_KEY + 1];

extern const struct nla_policy ipvs_udp_reply_get_nl_policy[IPVS_UDP_A_REPLY_SERVICE + 1];

extern const struct nla_policy ipvs_udp_reply_set_nl_policy[IPVS_UDP_A_REPLY_RESET + 1];

extern const struct nla_policy ipvs_udp_reply_dest_get_nl_policy[IPVS_UDP_A_REPLY_DEST + 1];

extern const struct nla_policy ipvs_udp_counters_get_nl_policy[IPVS_UDP_A_COUNTERS_SERVICE + 1];

extern const struct nla_policy ipvs_udp_radius_get_nl_policy[IPVS_UDP_A_RADIUS_SERVICE + 1];

extern const struct nla_policy ipvs_udp_radius_set_nl_policy[IPVS_UDP_A_RADIUS_SETTINGS + 1];

/* Ops table for ipvs_udp */
extern const struct genl_ops ipvs_udp_nl_ops[10];

int ipvs_udp_nl_sip_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_sip_set_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_binding_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_binding_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int ipvs_udp_nl_binding_flush_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_reply_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_reply_set_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_reply_dest_get_doit(struct sk_buff *skb,
				    struct genl_info *info);
int ipvs_udp_nl_reply_dest_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb);
int ipvs_udp_nl_counters_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_radius_get_doit(struct sk_buff *skb, struct genl_info *info);
int ipvs_udp_nl_radius_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	IPVS_UDP_NLGRP_EVENTS,
};

#endif /* _LINUX_IPVS_UDP_GEN_H */
