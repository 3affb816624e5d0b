// SPDX-License-Identifier: GPL-2.0
//
// The command registry and what is made of it: finding the command a line
// of words names (objects and verbs by prefix, the table's order breaking
// ties as in ip; `show` by default; old spellings with a note), the help
// texts, the usage and the bash completion.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "internal.h"

namespace ipvsudp::cli {

std::string Command::synopsis() const {
    std::string s = name();
    if (!args.empty()) s += " " + args;
    if (!options.empty()) s += " [OPTIONS]";
    return s;
}

namespace {

// Every command, in the order help lists them and prefixes resolve.
const std::vector<Command>& registry() {
    static const std::vector<Command> all = [] {
        std::vector<Command> v;
        for (auto part :
             {service_commands, dest_commands, binding_commands, sip_commands, radius_commands,
              reply_commands, server_commands, stats_commands, monitor_commands, conn_commands})
            for (auto& c : part()) v.push_back(std::move(c));
        return v;
    }();
    return all;
}

// Words that are not registry commands.
const std::vector<std::string> kBuiltins = {"help", "version", "completion"};

// The objects of current commands, in registry order, then the builtins.
std::vector<std::string> objects() {
    std::vector<std::string> v;
    for (const auto& c : registry())
        if (c.deprecated_for.empty() && std::find(v.begin(), v.end(), c.object) == v.end())
            v.push_back(c.object);
    v.insert(v.end(), kBuiltins.begin(), kBuiltins.end());
    return v;
}

std::vector<const Command*> commands_of(const std::string& object) {
    std::vector<const Command*> v;
    for (const auto& c : registry())
        if (c.object == object) v.push_back(&c);
    return v;
}

std::string join(const std::vector<std::string>& w, const char* sep = ", ") {
    std::string o;
    for (const auto& x : w) o += (o.empty() ? "" : sep) + x;
    return o;
}

// A word among `names`: itself, else the first name it is a prefix of
// (ip's rule: the order of the table breaks ties, so "s" is the first
// object starting with s). Empty when none.
std::string match(const std::string& word, const std::vector<std::string>& names) {
    if (word.empty()) return {};
    for (const auto& n : names)
        if (n == word) return n;
    for (const auto& n : names)
        if (n.starts_with(word)) return n;
    return {};
}

// Other words ip takes for a verb.
const std::map<std::string, std::string> kVerbSynonyms = {
    {"list", "show"}, {"ls", "show"}, {"lst", "show"}, {"delete", "del"}, {"remove", "del"}};

// Could `word` begin the arguments of a show? SERVICE starts with a
// protocol, an address has a dot or a colon, options a dash.
bool show_argument(const std::string& word) {
    static const std::set<std::string> protos{"udp", "tcp", "fwmark", "fwmark6"};
    return protos.count(word) || word.starts_with("-") ||
           word.find_first_of(".:") != std::string::npos;
}

// The options as a two-column list, the help wrapped to 80 columns.
void print_options(std::ostream& os, const std::vector<Option>& opts) {
    constexpr std::size_t kCol = 26, kWidth = 80;
    for (const auto& o : opts) {
        std::string line = "  " + o.name + (o.value.empty() ? "" : " " + o.value);
        if (line.size() >= kCol) {
            os << line << "\n";
            line.clear();
        }
        std::istringstream words(o.help);
        std::string w;
        bool empty = true;
        while (words >> w) {
            if (!empty && line.size() + 1 + w.size() > kWidth) {
                os << line << "\n";
                line.clear();
                empty = true;
            }
            if (empty) {
                line.resize(kCol, ' ');
                line += w;
            } else {
                line += " " + w;
            }
            empty = false;
        }
        if (!line.empty()) os << line << "\n";
    }
}

void print_help(std::ostream& os, const Command& c) {
    os << "usage: ipvs-udp " << c.synopsis() << "\n\n";
    if (!c.deprecated_for.empty())
        os << "The old name of 'ipvs-udp " << c.deprecated_for << "', kept for one release.\n";
    os << c.help;
    if (!c.options.empty()) {
        os << "\nOptions:\n";
        print_options(os, c.options);
    }
    os << "\n--json (-j), before or after the command, prints JSON; --help this text.\n";
}

void usage(std::ostream& os) {
    os << "usage: ipvs-udp [--json] OBJECT [VERB] [ARGS...] [OPTIONS]\n\nCommands:\n";
    for (const auto& c : registry())
        if (c.deprecated_for.empty()) os << "  " << c.synopsis() << "\n";
    os << "  help [OBJECT [VERB]]\n  version\n  completion bash\n\n"
       << kServiceArg
       << "\nObjects and verbs may be abbreviated (ipvs-udp ser sh: service show); show\n"
          "is the default verb. --json prints JSON instead of tables. `ipvs-udp OBJECT\n"
          "VERB --help` for details.\n"
       << "Exit status: 0 success, 1 not found / no key, 2 usage error, 3 module not\n"
          "loaded, 4 permission denied (needs CAP_NET_ADMIN), 5 other kernel error.\n";
}

// What a line of words names: the command, and how many words named it;
// or an error for the user.
struct Found {
    const Command* cmd = nullptr;
    std::size_t used = 0;
    std::string object;  // set alone: the words named an object, not a verb
    std::string error;
};

Found find(const std::vector<std::string>& w, bool for_help) {
    Found f;
    if (w.empty()) return f;
    // An old spelling, exactly as it was written.
    for (const auto& c : registry())
        if (!c.deprecated_for.empty() && c.object == w[0]) return {&c, 1, c.object, ""};
    const std::string obj = match(w[0], objects());
    if (obj.empty()) {
        f.error = "unknown object '" + w[0] + "'; one of: " + join(objects());
        return f;
    }
    f.object = obj;
    auto cmds = commands_of(obj);
    if (cmds.empty()) return f;  // a builtin
    if (cmds.size() == 1 && cmds[0]->verb.empty()) return {cmds[0], 1, obj, ""};
    std::vector<std::string> verbs;
    const Command* show = nullptr;
    for (const auto* c : cmds)
        if (c->deprecated_for.empty()) {
            verbs.push_back(c->verb);
            if (c->verb == "show") show = c;
        }
    if (w.size() < 2) {
        if (for_help || !show) return f;
        return {show, 1, obj, ""};
    }
    std::string word = w[1];
    if (auto s = kVerbSynonyms.find(word); s != kVerbSynonyms.end()) word = s->second;
    if (word == "help") return f;
    const std::string verb = match(word, verbs);
    if (!verb.empty())
        for (const auto* c : cmds)
            if (c->verb == verb && c->deprecated_for.empty()) return {c, 2, obj, ""};
    if (show && !for_help && show_argument(w[1])) return {show, 1, obj, ""};
    f.error = obj + ": unknown verb '" + w[1] + "'; one of: " + join(verbs);
    return f;
}

// "ipvs-udp help [OBJECT [VERB]]", "ipvs-udp OBJECT help".
int help(const std::vector<std::string>& w, Env& env) {
    if (w.empty()) {
        usage(env.out);
        return kOk;
    }
    Found f = find(w, true);
    if (!f.error.empty()) {
        env.err << "ipvs-udp: " << f.error << "\n";
        return kUsage;
    }
    if (f.cmd && f.used == w.size()) {
        print_help(env.out, *f.cmd);
        return kOk;
    }
    if (f.cmd || (w.size() > 1 && w[1] != "help")) {
        env.err << "ipvs-udp: " << f.object << ": unknown verb '" << w[f.used ? f.used : 1]
                << "'\n";
        return kUsage;
    }
    auto cmds = commands_of(f.object);
    if (cmds.empty()) {
        usage(env.out);
        return kOk;
    }
    bool first = true;
    for (const auto* c : cmds) {
        if (!c->deprecated_for.empty()) continue;
        if (!first) env.out << "\n";
        print_help(env.out, *c);
        first = false;
    }
    return kOk;
}

// A bash completion script from the registry: the same objects, verbs,
// options and option values as the parser (ipvs-udp completion bash).
void print_bash_completion(std::ostream& os) {
    auto words = [](const std::set<std::string>& w) {
        return join(std::vector<std::string>(w.begin(), w.end()), " ");
    };
    std::vector<std::string> objs = objects();
    std::set<std::string> obj_set(objs.begin(), objs.end());
    std::set<std::string> file_values;
    os << "# bash completion for ipvs-udp, generated by 'ipvs-udp completion bash'\n"
          "# from the command registry the parser uses.\n"
          "_ipvs_udp() {\n"
          "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
          "\tlocal i w obj= verb= n=0\n"
          "\tCOMPREPLY=()\n"
          "\t# the object and verb, past the global options\n"
          "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
          "\t\tw=${COMP_WORDS[i]}\n"
          "\t\tcase $w in -*) continue ;; esac\n"
          "\t\tif [ -z \"$obj\" ]; then obj=$w; n=1\n"
          "\t\telif [ -z \"$verb\" ] && [ $n = 1 ]; then verb=$w; n=2; fi\n"
          "\tdone\n"
          "\tif [ -z \"$obj\" ]; then\n"
          "\t\tCOMPREPLY=($(compgen -W \"--json --help --version "
       << words(obj_set)
       << "\" -- \"$cur\"))\n"
          "\t\treturn\n"
          "\tfi\n"
          "\tcase $obj in\n";
    // Objects with verbs: offer them; a verb word that is none leaves
    // "show" (the default verb).
    for (const auto& o : objs) {
        auto cmds = commands_of(o);
        std::set<std::string> verbs;
        for (const auto* c : cmds)
            if (c->deprecated_for.empty() && !c->verb.empty()) verbs.insert(c->verb);
        if (verbs.empty()) continue;
        os << "\t" << o
           << ")\n\t\tif [ -z \"$verb\" ] && [[ $cur != -* ]]; then\n\t\t\tCOMPREPLY=($(compgen -W "
              "\""
           << words(verbs) << "\" -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n"
           << "\t\tcase $verb in "
           << join(std::vector<std::string>(verbs.begin(), verbs.end()), " | ")
           << ") ;; *) verb=" << (verbs.count("show") ? "show" : "") << " ;; esac\n"
           << "\t\tobj=\"$obj $verb\" ;;\n";
    }
    os << "\thelp) COMPREPLY=($(compgen -W \"" << words(obj_set) << "\" -- \"$cur\")); return ;;\n"
       << "\tesac\n"
          "\t# an option's value\n"
          "\tcase $prev in\n";
    std::map<std::string, std::string> values;
    for (const auto& c : registry())
        for (const auto& o : c.options) {
            if (o.value.empty()) continue;
            if (o.value == "FILE")
                file_values.insert(o.name);
            else
                values[o.name] = o.words;
        }
    for (const auto& [name, w] : values)
        os << "\t" << name << ") COMPREPLY=($(compgen -W \"" << w
           << "\" -- \"$cur\")); return ;;\n";
    for (const auto& name : file_values)
        os << "\t" << name << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
    os << "\tesac\n"
          "\tcase $obj in\n";
    std::set<std::string> files;
    for (const auto& c : registry()) {
        std::set<std::string> opts{"--help", "--json"};
        for (const auto& o : c.options) opts.insert(o.name);
        os << "\t\"" << c.name() << "\") w=\"" << words(opts) << "\" ;;\n";
        if (c.files) files.insert("\"" + c.name() + "\"");
    }
    os << "\t*) w=--help ;;\n"
          "\tesac\n"
          "\tif [[ $cur == -* ]]; then\n"
          "\t\tCOMPREPLY=($(compgen -W \"$w\" -- \"$cur\"))\n"
          "\telse\n"
          "\t\tcase $obj in "
       << join(std::vector<std::string>(files.begin(), files.end()), " | ")
       << ") COMPREPLY=($(compgen -f -- \"$cur\")) ;; esac\n"
          "\tfi\n"
          "}\n"
          "complete -F _ipvs_udp ipvs-udp\n";
}

// The options of a command for parse_args.
void option_sets(const Command& c, std::set<std::string>& valued, std::set<std::string>& flags) {
    for (const auto& o : c.options) (o.value.empty() ? flags : valued).insert(o.name);
    // -t: monitor's short --timestamp, as ip monitor has it
    if (flags.count("--timestamp")) flags.insert("-t");
}

}  // namespace

int run(const std::vector<std::string_view>& argv, Env& env) {
    bool json = false;
    // Global options before the object.
    std::size_t i = 0;
    for (; i < argv.size() && argv[i].starts_with("-"); i++) {
        if (argv[i] == "--json" || argv[i] == "-j") {
            json = true;
        } else if (argv[i] == "--help" || argv[i] == "-h") {
            usage(env.out);
            return kOk;
        } else if (argv[i] == "--version" || argv[i] == "-V") {
            env.out << "ipvs-udp " << IPVS_UDP_VERSION << "\n";
            return kOk;
        } else {
            env.err << "ipvs-udp: unknown option '" << argv[i] << "' (see ipvs-udp help)\n";
            return kUsage;
        }
    }
    std::vector<std::string> w(argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
    if (w.empty()) {
        usage(env.err);
        return kUsage;
    }
    Found f = find(w, false);
    if (!f.error.empty()) {
        env.err << "ipvs-udp: " << f.error << "\n";
        return kUsage;
    }
    if (!f.cmd) {
        const std::vector<std::string> rest(w.begin() + 1, w.end());
        if (f.object == "help") return help(rest, env);
        if (f.object == "version") {
            env.out << "ipvs-udp " << IPVS_UDP_VERSION << "\n";
            return kOk;
        }
        if (f.object == "completion") {
            if (rest.size() == 1 && rest[0] == "bash") {
                print_bash_completion(env.out);
                return kOk;
            }
            env.err << "usage: ipvs-udp completion bash\n";
            return kUsage;
        }
        // "OBJECT help", or an object without a default verb
        if (w.size() > 1 && w[1] == "help") return help({f.object}, env);
        env.err << "ipvs-udp: " << f.object << " needs a verb:\n";
        for (const auto* c : commands_of(f.object))
            if (c->deprecated_for.empty()) env.err << "  ipvs-udp " << c->synopsis() << "\n";
        return kUsage;
    }
    const Command& cmd = *f.cmd;
    try {
        std::set<std::string> valued, flags;
        option_sets(cmd, valued, flags);
        Args a = parse_args({argv.begin() + static_cast<std::ptrdiff_t>(i + f.used), argv.end()},
                            valued, flags);
        a.json = a.json || json;
        if (a.help) {
            print_help(env.out, cmd);
            return kOk;
        }
        if (!cmd.deprecated_for.empty())
            env.err << "ipvs-udp: note: '" << cmd.object
                    << "' is deprecated and goes in a later release; use 'ipvs-udp "
                    << cmd.deprecated_for << "'\n";
        return cmd.fn(a, env);
    } catch (const UsageError& u) {
        env.err << "ipvs-udp " << cmd.name() << ": " << u.what() << "\nusage: ipvs-udp "
                << cmd.synopsis() << " (see ipvs-udp " << cmd.name() << " --help)\n";
        return kUsage;
    }
}

}  // namespace ipvsudp::cli
