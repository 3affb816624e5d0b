/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the IPVS "lor" scheduler visible to its KUnit suite.
 * Not a stable interface.
 */
#ifndef IP_VS_LOR_H
#define IP_VS_LOR_H

#include <linux/list.h>
#include <net/ip_vs.h>

struct ip_vs_pe_reply_net;

struct ip_vs_dest *ip_vs_lor_pick(struct list_head *dests,
				  unsigned int ndests,
				  struct ip_vs_pe_reply_net *pn,
				  unsigned int cursor);

#endif /* IP_VS_LOR_H */
