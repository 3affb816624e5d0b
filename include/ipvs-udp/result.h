// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Errors of the ipvs-udp library: the kernel's errno (as std::error_code in
// std::generic_category) together with the kernel's extended ACK message
// (NLMSGERR_ATTR_MSG) and what the library was doing; Result<T> holds a
// value or such an Error (std::expected is C++23).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include "ipvs-udp/export.h"

namespace ipvsudp {

struct IPVS_UDP_API Error {
    std::error_code code;         // errno values in std::generic_category()
    std::string extack;           // the kernel's extended ACK message, if any
    std::string context;          // what was being done ("add service udp:...")
    bool family_missing = false;  // the generic netlink family is not registered
    std::string family;           // the generic netlink family asked ("IPVS", "ipvs_udp")
    std::uint8_t command = 0;     // the family's command that failed (0: none was sent)
    // The family answered, but the module that serves this command is not
    // loaded (ipvs_udp: EOPNOTSUPP for a request this library sends; the
    // extack names the module).
    bool module_missing = false;

    static Error from_errno(int err, std::string context = {}, std::string extack = {}) {
        Error e;
        e.code = std::error_code(err, std::generic_category());
        e.extack = std::move(extack);
        e.context = std::move(context);
        return e;
    }
    int errnum() const { return code.value(); }
    // "context: strerror (extack)"
    std::string message() const;
};

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : e_(std::move(error)) {}

    bool ok() const { return !e_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *e_; }

  private:
    std::optional<Error> e_;
};

}  // namespace ipvsudp
