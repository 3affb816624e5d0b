// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The encoders and decoders of the ipvs-udp library's two families. Private
// (not installed, not exported): the library's clients use them, and so do
// the unit tests, through the static ipvsudp-internal library.
#pragma once

#include <optional>

#include "ipvs-udp/ipvs.h"
#include "ipvs-udp/udp.h"
#include "netlink.h"

namespace ipvsudp::ipvs {
void put_service_key(MessageBuilder& b, const ServiceKey& k);
void put_service(MessageBuilder& b, const Service& s);
void put_destination(MessageBuilder& b, const Destination& d, bool full);
std::optional<Service> decode_service(const GenlMessage& m);
std::optional<Destination> decode_destination(const GenlMessage& m);
}  // namespace ipvsudp::ipvs

namespace ipvsudp::udp {
void put_service(MessageBuilder& b, int type, const ServiceKey& k);
void put_dest(MessageBuilder& b, int type, const DestKey& d);
std::optional<ServiceKey> decode_service(const nlattr* nest);
std::optional<DestKey> decode_dest(const nlattr* nest);
std::optional<Event> decode_event(const GenlMessage& m);
}  // namespace ipvsudp::udp
