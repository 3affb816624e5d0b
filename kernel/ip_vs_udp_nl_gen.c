// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	netlink/ipvs_udp.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "ip_vs_udp_nl_gen.h"

#include <uapi/linux/ipvs_udp.h>

/* Integer value ranges */
static struct netlink_range_validation ipvs_udp_a_sip_settings_dialog_timeout_range = {
	.min	= 1ULL,
	.max	= 604800ULL,
};

static struct netlink_range_validation ipvs_udp_a_sip_settings_early_timeout_range = {
	.min	= 1ULL,
	.max	= 604800ULL,
};

static struct netlink_range_validation ipvs_udp_a_sip_settings_transaction_timeout_range = {
	.min	= 1ULL,
	.max	= 604800ULL,
};

static struct netlink_range_validation ipvs_udp_a_sip_settings_linger_timeout_range = {
	.min	= 1ULL,
	.max	= 604800ULL,
};

static struct netlink_range_validation ipvs_udp_a_sip_settings_max_bindings_range = {
	.max	= 16777216ULL,
};

static struct netlink_range_validation ipvs_udp_a_radius_settings_conversation_timeout_range = {
	.min	= 1ULL,
	.max	= 604800ULL,
};

static struct netlink_range_validation ipvs_udp_a_radius_settings_acct_timeout_range = {
	.max	= 604800ULL,
};

static struct netlink_range_validation ipvs_udp_a_radius_settings_max_bindings_range = {
	.max	= 16777216ULL,
};

static struct netlink_range_validation ipvs_udp_a_reply_settings_timeout_ms_range = {
	.min	= 1ULL,
	.max	= 3600000ULL,
};

static struct netlink_range_validation ipvs_udp_a_reply_settings_max_requests_range = {
	.min	= 1ULL,
	.max	= 16777216ULL,
};

/* Common nested types */
const struct nla_policy ipvs_udp_dest_nl_policy[IPVS_UDP_A_DEST_PORT + 1] = {
	[IPVS_UDP_A_DEST_AF] = NLA_POLICY_RANGE(NLA_U16, 2, 10),
	[IPVS_UDP_A_DEST_ADDR] = { .type = NLA_BINARY, },
	[IPVS_UDP_A_DEST_PORT] = { .type = NLA_U16, },
};

const struct nla_policy ipvs_udp_radius_settings_nl_policy[IPVS_UDP_A_RADIUS_SETTINGS_PAD + 1] = {
	[IPVS_UDP_A_RADIUS_SETTINGS_CONVERSATION_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_radius_settings_conversation_timeout_range),
	[IPVS_UDP_A_RADIUS_SETTINGS_ACCT_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_radius_settings_acct_timeout_range),
	[IPVS_UDP_A_RADIUS_SETTINGS_MAX_BINDINGS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_radius_settings_max_bindings_range),
	[IPVS_UDP_A_RADIUS_SETTINGS_SEED] = { .type = NLA_U64, },
	[IPVS_UDP_A_RADIUS_SETTINGS_DRAIN_POLICY] = NLA_POLICY_MAX(NLA_U32, 1),
	[IPVS_UDP_A_RADIUS_SETTINGS_SVC_FLAGS] = { .type = NLA_U32, },
};

const struct nla_policy ipvs_udp_reply_dest_nl_policy[IPVS_UDP_A_REPLY_DEST_LATENCY_SUM_NS + 1] = {
	[IPVS_UDP_A_REPLY_DEST_DEST] = NLA_POLICY_NESTED(ipvs_udp_dest_nl_policy),
	[IPVS_UDP_A_REPLY_DEST_REQUESTS] = { .type = NLA_U64, },
	[IPVS_UDP_A_REPLY_DEST_REPLIES] = { .type = NLA_U64, },
	[IPVS_UDP_A_REPLY_DEST_TIMEOUTS] = { .type = NLA_U64, },
	[IPVS_UDP_A_REPLY_DEST_DUPLICATES] = { .type = NLA_U64, },
	[IPVS_UDP_A_REPLY_DEST_LATE] = { .type = NLA_U64, },
	[IPVS_UDP_A_REPLY_DEST_OUTSTANDING] = { .type = NLA_U32, },
	[IPVS_UDP_A_REPLY_DEST_EWMA_NS] = { .type = NLA_U64, },
	[IPVS_UDP_A_REPLY_DEST_HIST] = { .type = NLA_U64, },
	[IPVS_UDP_A_REPLY_DEST_LATENCY_SUM_NS] = { .type = NLA_U64, },
};

const struct nla_policy ipvs_udp_reply_settings_nl_policy[IPVS_UDP_A_REPLY_SETTINGS_OWN + 1] = {
	[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_reply_settings_timeout_ms_range),
	[IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_reply_settings_max_requests_range),
	[IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD] = { .type = NLA_U32, },
	[IPVS_UDP_A_REPLY_SETTINGS_STRICT] = NLA_POLICY_MAX(NLA_U32, 1),
	[IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH] = NLA_POLICY_MAX(NLA_U32, 1),
	[IPVS_UDP_A_REPLY_SETTINGS_OWN] = { .type = NLA_U32, },
};

const struct nla_policy ipvs_udp_service_nl_policy[IPVS_UDP_A_SERVICE_FWMARK + 1] = {
	[IPVS_UDP_A_SERVICE_AF] = NLA_POLICY_RANGE(NLA_U16, 2, 10),
	[IPVS_UDP_A_SERVICE_PROTOCOL] = NLA_POLICY_MAX(NLA_U16, 255),
	[IPVS_UDP_A_SERVICE_ADDR] = { .type = NLA_BINARY, },
	[IPVS_UDP_A_SERVICE_PORT] = { .type = NLA_U16, },
	[IPVS_UDP_A_SERVICE_FWMARK] = { .type = NLA_U32, },
};

const struct nla_policy ipvs_udp_sip_settings_nl_policy[IPVS_UDP_A_SIP_SETTINGS_PAD + 1] = {
	[IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_sip_settings_dialog_timeout_range),
	[IPVS_UDP_A_SIP_SETTINGS_EARLY_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_sip_settings_early_timeout_range),
	[IPVS_UDP_A_SIP_SETTINGS_TRANSACTION_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_sip_settings_transaction_timeout_range),
	[IPVS_UDP_A_SIP_SETTINGS_LINGER_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_sip_settings_linger_timeout_range),
	[IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ipvs_udp_a_sip_settings_max_bindings_range),
	[IPVS_UDP_A_SIP_SETTINGS_SEED] = { .type = NLA_U64, },
	[IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY] = NLA_POLICY_MAX(NLA_U32, 1),
	[IPVS_UDP_A_SIP_SETTINGS_SVC_FLAGS] = { .type = NLA_U32, },
};

/* IPVS_UDP_CMD_SIP_GET - do */
const struct nla_policy ipvs_udp_sip_get_nl_policy[IPVS_UDP_A_SIP_SERVICE + 1] = {
	[IPVS_UDP_A_SIP_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
};

/* IPVS_UDP_CMD_SIP_SET - do */
const struct nla_policy ipvs_udp_sip_set_nl_policy[IPVS_UDP_A_SIP_SETTINGS + 1] = {
	[IPVS_UDP_A_SIP_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
	[IPVS_UDP_A_SIP_SETTINGS] = NLA_POLICY_NESTED(ipvs_udp_sip_settings_nl_policy),
};

/* IPVS_UDP_CMD_BINDING_GET - do */
const struct nla_policy ipvs_udp_binding_get_do_nl_policy[IPVS_UDP_A_SIP_KEY + 1] = {
	[IPVS_UDP_A_SIP_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
	[IPVS_UDP_A_SIP_DEST] = NLA_POLICY_NESTED(ipvs_udp_dest_nl_policy),
	[IPVS_UDP_A_SIP_CALL_ID] = { .type = NLA_BINARY, },
	[IPVS_UDP_A_SIP_KEY] = { .type = NLA_BINARY, },
};

/* IPVS_UDP_CMD_BINDING_GET - dump */
const struct nla_policy ipvs_udp_binding_get_dump_nl_policy[IPVS_UDP_A_SIP_DEST + 1] = {
	[IPVS_UDP_A_SIP_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
	[IPVS_UDP_A_SIP_DEST] = NLA_POLICY_NESTED(ipvs_udp_dest_nl_policy),
};

/* IPVS_UDP_CMD_BINDING_FLUSH - do */
const struct nla_policy ipvs_udp_binding_flush_nl_policy[IPVS_UDP_A_SIP_KEY + 1] = {
	[IPVS_UDP_A_SIP_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
	[IPVS_UDP_A_SIP_DEST] = NLA_POLICY_NESTED(ipvs_udp_dest_nl_policy),
	[IPVS_UDP_A_SIP_CALL_ID] = { .type = NLA_BINARY, },
	[IPVS_UDP_A_SIP_KEY] = { .type = NLA_BINARY, },
};

/* IPVS_UDP_CMD_REPLY_GET - do */
const struct nla_policy ipvs_udp_reply_get_nl_policy[IPVS_UDP_A_REPLY_SERVICE + 1] = {
	[IPVS_UDP_A_REPLY_SETTINGS] = NLA_POLICY_NESTED(ipvs_udp_reply_settings_nl_policy),
	[IPVS_UDP_A_REPLY_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
};

/* IPVS_UDP_CMD_REPLY_SET - do */
const struct nla_policy ipvs_udp_reply_set_nl_policy[IPVS_UDP_A_REPLY_RESET + 1] = {
	[IPVS_UDP_A_REPLY_SETTINGS] = NLA_POLICY_NESTED(ipvs_udp_reply_settings_nl_policy),
	[IPVS_UDP_A_REPLY_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
	[IPVS_UDP_A_REPLY_RESET] = { .type = NLA_FLAG, },
};

/* IPVS_UDP_CMD_REPLY_DEST_GET - do */
const struct nla_policy ipvs_udp_reply_dest_get_nl_policy[IPVS_UDP_A_REPLY_DEST + 1] = {
	[IPVS_UDP_A_REPLY_DEST] = NLA_POLICY_NESTED(ipvs_udp_reply_dest_nl_policy),
};

/* IPVS_UDP_CMD_COUNTERS_GET - do */
const struct nla_policy ipvs_udp_counters_get_nl_policy[IPVS_UDP_A_COUNTERS_SERVICE + 1] = {
	[IPVS_UDP_A_COUNTERS_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
};

/* IPVS_UDP_CMD_RADIUS_GET - do */
const struct nla_policy ipvs_udp_radius_get_nl_policy[IPVS_UDP_A_RADIUS_SERVICE + 1] = {
	[IPVS_UDP_A_RADIUS_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
};

/* IPVS_UDP_CMD_RADIUS_SET - do */
const struct nla_policy ipvs_udp_radius_set_nl_policy[IPVS_UDP_A_RADIUS_SETTINGS + 1] = {
	[IPVS_UDP_A_RADIUS_SERVICE] = NLA_POLICY_NESTED(ipvs_udp_service_nl_policy),
	[IPVS_UDP_A_RADIUS_SETTINGS] = NLA_POLICY_NESTED(ipvs_udp_radius_settings_nl_policy),
};

/* Ops table for ipvs_udp */
const struct genl_ops ipvs_udp_nl_ops[10] = {
	{
		.cmd		= IPVS_UDP_CMD_SIP_GET,
		.doit		= ipvs_udp_nl_sip_get_doit,
		.policy		= ipvs_udp_sip_get_nl_policy,
		.maxattr	= IPVS_UDP_A_SIP_SERVICE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_SIP_SET,
		.doit		= ipvs_udp_nl_sip_set_doit,
		.policy		= ipvs_udp_sip_set_nl_policy,
		.maxattr	= IPVS_UDP_A_SIP_SETTINGS,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_BINDING_GET,
		.doit		= ipvs_udp_nl_binding_get_doit,
		.dumpit		= ipvs_udp_nl_binding_get_dumpit,
		.policy		= ipvs_udp_binding_get_do_nl_policy,
		.maxattr	= IPVS_UDP_A_SIP_KEY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_BINDING_FLUSH,
		.doit		= ipvs_udp_nl_binding_flush_doit,
		.policy		= ipvs_udp_binding_flush_nl_policy,
		.maxattr	= IPVS_UDP_A_SIP_KEY,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_REPLY_GET,
		.doit		= ipvs_udp_nl_reply_get_doit,
		.policy		= ipvs_udp_reply_get_nl_policy,
		.maxattr	= IPVS_UDP_A_REPLY_SERVICE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_REPLY_SET,
		.doit		= ipvs_udp_nl_reply_set_doit,
		.policy		= ipvs_udp_reply_set_nl_policy,
		.maxattr	= IPVS_UDP_A_REPLY_RESET,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_REPLY_DEST_GET,
		.doit		= ipvs_udp_nl_reply_dest_get_doit,
		.dumpit		= ipvs_udp_nl_reply_dest_get_dumpit,
		.policy		= ipvs_udp_reply_dest_get_nl_policy,
		.maxattr	= IPVS_UDP_A_REPLY_DEST,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_COUNTERS_GET,
		.doit		= ipvs_udp_nl_counters_get_doit,
		.policy		= ipvs_udp_counters_get_nl_policy,
		.maxattr	= IPVS_UDP_A_COUNTERS_SERVICE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_RADIUS_GET,
		.doit		= ipvs_udp_nl_radius_get_doit,
		.policy		= ipvs_udp_radius_get_nl_policy,
		.maxattr	= IPVS_UDP_A_RADIUS_SERVICE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= IPVS_UDP_CMD_RADIUS_SET,
		.doit		= ipvs_udp_nl_radius_set_doit,
		.policy		= ipvs_udp_radius_set_nl_policy,
		.maxattr	= IPVS_UDP_A_RADIUS_SETTINGS,
		.flags		= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group ipvs_udp_nl_mcgrps[] = {
	[IPVS_UDP_NLGRP_EVENTS] = { "events", },
};
