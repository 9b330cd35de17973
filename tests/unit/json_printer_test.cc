// The gateway's JSON printer against protobuf's own: byte for byte, over every message
// type of the suite's contracts filled with random values (every scalar kind, the
// characters JSON escapes, enums known and unknown, oneofs, timestamps, nesting).
#include "services/gateway/routing/json_printer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <random>

#include "p06/dashboard/v1/dashboard.pb.h"
#include "p06/gateway/v1/gateway.pb.h"

namespace p06::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

class Filler {
 public:
  explicit Filler(uint32_t seed) : rng_(seed) {}

  void Fill(Message* m, int depth) {
    const Descriptor* d = m->GetDescriptor();
    const auto* r = m->GetReflection();
    if (d->full_name() == "google.protobuf.Timestamp") {
      // Mostly ordinary days; now and then before 1970 or after 9999, which protobuf
      // formats or refuses in its own way.
      const int64_t seconds[] = {Pick(0, 4000000000), Pick(0, 4000000000), Pick(0, 4000000000), -62135596800,
                                 -1, 253402300800};
      r->SetInt64(m, d->FindFieldByNumber(1), seconds[Pick(0, 5)]);
      const int nanos[] = {0, 5000000, 123000000, 123456000, 123456789};
      r->SetInt32(m, d->FindFieldByNumber(2), nanos[Pick(0, 4)]);
      return;
    }
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (Pick(0, 3) == 0) continue;  // Some fields left unset.
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth > 3) continue;
      const int n = f->is_repeated() ? static_cast<int>(Pick(0, 3)) : 1;
      for (int k = 0; k < n; ++k) Set(m, f, depth);
    }
  }

 private:
  int64_t Pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

  std::string Text() {
    // Vietnamese, what JSON escapes, and code points protobuf escapes that a text pasted
    // from a word processor carries (soft hyphen, zero-width space, BOM, C1 controls,
    // line and paragraph separators), and CJK.
    static const char* parts[] = {"", "Sở Tư pháp", "a\"b", "back\\slash", "<script>", "tab\there", "nl\n",
                                  "\x01\x1f\x7f", "\xe2\x80\xa8\xe2\x80\xa9", "😀", "&'", "0", "plans/910-qd-btp-2025",
                                  "soft\xc2\xad" "hyphen", "zero\xe2\x80\x8b" "width", "\xef\xbb\xbf" "bom", "\xc2\x85" "c1",
                                  "«–»…", "漢字", "\xe2\x81\xa0wj"};
    constexpr int kParts = sizeof parts / sizeof parts[0];
    std::string s;
    for (int i = Pick(0, 3); i > 0; --i) s += parts[Pick(0, kParts - 1)];
    return s;
  }

  void Set(Message* m, const FieldDescriptor* f, int depth) {
    const auto* r = m->GetReflection();
    const bool rep = f->is_repeated();
    const double doubles[] = {0, 0.1, 1.0 / 3, -2.5, 1e21, 1e-7, 123456789, 6.02e23};
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        const int32_t v = static_cast<int32_t>(Pick(-3000000000LL / 2, 3000000000LL / 2));
        rep ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        const uint32_t v = static_cast<uint32_t>(Pick(0, 4000000000LL));
        rep ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        const int64_t v = Pick(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
        rep ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        const uint64_t v = static_cast<uint64_t>(Pick(0, std::numeric_limits<int64_t>::max())) * 2;
        rep ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const double v = doubles[Pick(0, 7)] * (Pick(0, 1) ? 1 : -1);
        rep ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        const float v = static_cast<float>(doubles[Pick(0, 7)]);
        rep ? r->AddFloat(m, f, v) : r->SetFloat(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        const bool v = Pick(0, 1) == 1;
        rep ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        // Mostly known values; now and then a number the enum does not name.
        const int v = Pick(0, 5) == 0 ? 97 : f->enum_type()->value(Pick(0, f->enum_type()->value_count() - 1))->number();
        rep ? r->AddEnumValue(m, f, v) : r->SetEnumValue(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string v = Text();
        if (f->type() == FieldDescriptor::TYPE_BYTES) v += std::string("\0\xff", 2);
        rep ? r->AddString(m, f, v) : r->SetString(m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* sub = rep ? r->AddMessage(m, f) : r->MutableMessage(m, f);
        Fill(sub, depth + 1);
        break;
      }
    }
  }

  std::mt19937 rng_;
};

// Every message type of the files the gateway serves, and of the suite's files they
// import.
std::vector<const Descriptor*> AllMessages() {
  std::vector<const Descriptor*> out;
  std::set<const google::protobuf::FileDescriptor*> seen;
  std::function<void(const google::protobuf::FileDescriptor*)> file = [&](const google::protobuf::FileDescriptor* f) {
    if (!seen.insert(f).second) return;
    for (int i = 0; i < f->dependency_count(); ++i) file(f->dependency(i));
    // protobuf's own types go to its printer (Timestamp is reached nested).
    if (f->package() == "google.protobuf") return;
    std::function<void(const Descriptor*)> add = [&](const Descriptor* d) {
      if (!d->options().map_entry()) out.push_back(d);
      for (int i = 0; i < d->nested_type_count(); ++i) add(d->nested_type(i));
    };
    for (int i = 0; i < f->message_type_count(); ++i) add(f->message_type(i));
  };
  file(dashboard::v1::PlanOverview::descriptor()->file());
  file(v1::AuditEntry::descriptor()->file());
  return out;
}

TEST(JsonPrinterTest, PrintsAsProtobufDoesForEveryMessageOfTheContracts) {
  google::protobuf::DynamicMessageFactory dynamic;
  int cases = 0, compared = 0;
  for (const Descriptor* d : AllMessages()) {
    const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
    ASSERT_NE(prototype, nullptr) << d->full_name();
    for (uint32_t seed = 0; seed < 40; ++seed) {
      std::unique_ptr<Message> m(prototype->New());
      Filler(seed * 7919 + static_cast<uint32_t>(d->index())).Fill(m.get(), 0);
      std::string expected;
      ++cases;
      // Values protobuf itself refuses to print (a timestamp past year 9999, say) are
      // not compared.
      if (!google::protobuf::util::MessageToJsonString(*m, &expected).ok()) continue;
      absl::StatusOr<std::string> got = MessageToJson(*m);
      ASSERT_TRUE(got.ok()) << d->full_name();
      ASSERT_EQ(*got, expected) << d->full_name() << " seed " << seed;
      ++compared;
    }
  }
  EXPECT_GT(compared, 3000) << "of " << cases;
}

}  // namespace
}  // namespace p06::gateway
