#include "security/secret_box.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/check.h"
#include "security/base64.h"

namespace suanli::security {
namespace {

namespace fs = std::filesystem;

std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

SecretBox TestBox(char fill = 'k') {
  return std::move(SecretBox::FromKey(std::string(32, fill))).value();
}

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::path(testing::TempDir()) / "secret_box_XXXXXX").string();
    SUANLI_CHECK(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& p, std::string_view bytes, fs::perms perms) {
  std::ofstream(p, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  fs::permissions(p, perms);
}

constexpr std::string_view kResidentId = "11010519491231002X";  // GB 11643's published sample
constexpr std::string_view kWhere = "org/42/legal_rep_id";

TEST(SecretBox, OpensTheGcmSpecsTestCase16) {
  // McGrew & Viega, "The Galois/Counter Mode of Operation", appendix B, test case 16
  // (AES-256, 96-bit IV, with associated data), in our "v1." framing.
  auto box = SecretBox::FromKey(
      FromHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"));
  ASSERT_TRUE(box.ok());
  const std::string framed =
      FromHex("cafebabefacedbaddecaf888") +
      FromHex(
          "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3d"
          "a7b08b1056828838c5f61e6393ba7a0abcc9f662") +
      FromHex("76fc6ece0f4e1768cddf8853bb2d551b");
  const std::string sealed = "v1." + Base64Encode(framed, Base64Alphabet::kUrl);
  auto opened = box->Open(sealed, FromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
  ASSERT_TRUE(opened.ok()) << opened.error().ToString();
  EXPECT_EQ(
      *opened,
      FromHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c9595680953"
              "2fcf0e2449a6b525b16aedf5aa0de657ba637b39"));
}

TEST(SecretBox, RoundTripsWithAFreshNonceEachTime) {
  const SecretBox box = TestBox();
  auto a = box.Seal(kResidentId, kWhere);
  auto b = box.Seal(kResidentId, kWhere);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->rfind("v1.", 0), 0u);
  EXPECT_EQ(a->find(kResidentId), std::string::npos);
  // 12 + 18 + 16 = 46 bytes: 62 base64url characters.
  EXPECT_EQ(a->size(), 3u + 62u);
  EXPECT_EQ(box.Open(*a, kWhere).value(), kResidentId);
  EXPECT_EQ(box.Open(*b, kWhere).value(), kResidentId);

  auto empty = box.Seal("", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(box.Open(*empty, "").value(), "");
}

TEST(SecretBox, OtherAssociatedDataOrKeyIsRefused) {
  const SecretBox box = TestBox('k');
  const std::string sealed = box.Seal(kResidentId, kWhere).value();
  auto moved = box.Open(sealed, "org/43/legal_rep_id");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, ErrorCode::kInvalidCode);
  EXPECT_EQ(moved.error().field, "sealed");
  EXPECT_FALSE(TestBox('j').Open(sealed, kWhere).ok());
}

TEST(SecretBox, EveryAlteredByteIsRefused) {
  const SecretBox box = TestBox();
  const std::string sealed = box.Seal(kResidentId, kWhere).value();
  const std::string bytes = *Base64Decode(sealed.substr(3), Base64Alphabet::kUrl);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (const int mask : {0x01, 0x80, 0xff}) {
      std::string altered = bytes;
      altered[i] = static_cast<char>(static_cast<unsigned char>(altered[i]) ^ mask);
      auto opened = box.Open("v1." + Base64Encode(altered, Base64Alphabet::kUrl), kWhere);
      ASSERT_FALSE(opened.ok()) << "byte " << i;
      EXPECT_EQ(opened.error().ToString().find(kResidentId), std::string::npos);
    }
  }
}

TEST(SecretBox, EveryAlteredCharacterIsRefused) {
  const SecretBox box = TestBox();
  const std::string sealed = box.Seal(kResidentId, kWhere).value();
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (const char c : {'A', 'B', 'Q', 'g', 'w', '-', '_', '.', '='}) {
      if (sealed[i] == c) continue;
      std::string altered = sealed;
      altered[i] = c;
      EXPECT_FALSE(box.Open(altered, kWhere).ok()) << "position " << i << " -> " << c;
    }
  }
  for (std::size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_FALSE(box.Open(sealed.substr(0, n), kWhere).ok()) << "prefix " << n;
  }
  EXPECT_FALSE(box.Open(sealed + "A", kWhere).ok());
  EXPECT_EQ(box.Open("v2." + sealed.substr(3), kWhere).error().code, ErrorCode::kParse);
}

TEST(SecretBox, RefusesOversizedInput) {
  const SecretBox box = TestBox();
  const std::string big(kSecretBoxPlaintextBytesMax + 1, 'x');
  auto sealed = box.Seal(big, kWhere);
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.error().field, "plaintext");
  EXPECT_TRUE(box.Seal(std::string(kSecretBoxPlaintextBytesMax, 'x'), kWhere).ok());
  EXPECT_FALSE(box.Seal("x", big).ok());
}

TEST(SecretBox, FromKeyRefusesWrongSizes) {
  EXPECT_FALSE(SecretBox::FromKey(std::string(31, 'k')).ok());
  EXPECT_FALSE(SecretBox::FromKey(std::string(33, 'k')).ok());
  EXPECT_EQ(SecretBox::FromKey("").error().field, "key");
}

TEST(SecretBoxKeyFile, CreatedOnceWithMode0600ThenLoaded) {
  TempDir dir;
  const fs::path key_file = dir.path() / "secret_box.key";
  auto first = SecretBox::LoadOrCreate(key_file);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  const std::string key_bytes = ReadFile(key_file);

  // No temporary file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);

  const std::string sealed = first->Seal(kResidentId, kWhere).value();
  auto second = SecretBox::LoadOrCreate(key_file);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ReadFile(key_file), key_bytes);  // loaded, not replaced
  EXPECT_EQ(second->Open(sealed, kWhere).value(), kResidentId);
  EXPECT_EQ(SecretBox::FromKey(key_bytes)->Open(sealed, kWhere).value(), kResidentId);
}

TEST(SecretBoxKeyFile, ConcurrentCreatorsAgreeOnOneKey) {
  TempDir dir;
  const fs::path key_file = dir.path() / "raced.key";
  constexpr int kThreads = 8;
  std::vector<std::string> sealed(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto box = SecretBox::LoadOrCreate(key_file);
      if (box.ok()) sealed[static_cast<std::size_t>(i)] = box->Seal(kResidentId, kWhere).value();
    });
  }
  for (auto& t : threads) t.join();
  auto box = SecretBox::LoadOrCreate(key_file);
  ASSERT_TRUE(box.ok());
  for (const std::string& s : sealed) {
    ASSERT_FALSE(s.empty());
    EXPECT_TRUE(box->Open(s, kWhere).ok());
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(SecretBoxKeyFile, RefusesGroupOrOtherPermissions) {
  TempDir dir;
  const fs::path key_file = dir.path() / "loose.key";
  const std::string key(32, '\x5a');
  using P = fs::perms;
  for (const P extra : {P::group_read, P::group_write, P::others_read, P::others_exec}) {
    WriteFile(key_file, key, P::owner_read | P::owner_write | extra);
    auto box = SecretBox::LoadOrCreate(key_file);
    ASSERT_FALSE(box.ok());
    EXPECT_EQ(box.error().code, ErrorCode::kIo);
    EXPECT_EQ(box.error().field, "key_file");
    EXPECT_NE(box.error().message.find("chmod 600"), std::string::npos) << box.error().message;
    EXPECT_EQ(box.error().message.find(key), std::string::npos);
  }
  WriteFile(key_file, key, P::owner_read);
  EXPECT_TRUE(SecretBox::LoadOrCreate(key_file).ok());  // 0400 is fine
}

TEST(SecretBoxKeyFile, RefusesWrongSizeAndNonRegularFiles) {
  TempDir dir;
  const auto owner_only = fs::perms::owner_read | fs::perms::owner_write;
  for (const std::size_t size : {0u, 16u, 31u, 33u, 64u}) {
    const fs::path key_file = dir.path() / ("size" + std::to_string(size) + ".key");
    WriteFile(key_file, std::string(size, 'k'), owner_only);
    auto box = SecretBox::LoadOrCreate(key_file);
    ASSERT_FALSE(box.ok()) << size;
    EXPECT_NE(box.error().message.find("exactly 32 bytes"), std::string::npos);
    EXPECT_EQ(ReadFile(key_file).size(), size);  // never overwritten
  }
  const fs::path folder = dir.path() / "a_folder.key";
  fs::create_directory(folder);
  fs::permissions(folder, fs::perms::owner_all);
  EXPECT_FALSE(SecretBox::LoadOrCreate(folder).ok());
  // A missing parent folder is an error, not a crash.
  EXPECT_FALSE(SecretBox::LoadOrCreate(dir.path() / "missing" / "k.key").ok());
}

}  // namespace
}  // namespace suanli::security
