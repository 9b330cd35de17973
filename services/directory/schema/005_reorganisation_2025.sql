-- The 2025 reorganisation of the state, as data (shared REFERENCE.md, "The 2025
-- reorganisation"; sources marked [S] there: secondary, to be checked against the
-- official texts). Dated: a unit merged away keeps its row, names and aliases, with
-- state MERGED, the day it ended and its successors, so that a name resolves as of a
-- date to the unit of that day (ResolveUnitNames.as_of) and after it to the successors,
-- and the group of provincial justice departments expands to 63 before 2025-07-01 and
-- to 34 from then on.
--
-- Not modelled yet: the day a unit began (the new ministries exist here also before
-- 2025-03-01), Decree 09/2026/NĐ-CP's changes to the ministry's own units (names [U]).

-- Government, from 2025-03-01: 14 ministries and 3 ministerial-level agencies [S]. Bộ
-- Công an, Bộ Tư pháp and Văn phòng Chính phủ are in 002.
INSERT INTO units (id, code, display_name, kind, parent_id, in_ministry, state, state_date) VALUES
  ('bo-quoc-phong', 'BQP', 'Bộ Quốc phòng', 7, NULL, false, 1, NULL),
  ('bo-ngoai-giao', 'BNG', 'Bộ Ngoại giao', 7, NULL, false, 1, NULL),
  ('bo-noi-vu', 'BNV', 'Bộ Nội vụ', 7, NULL, false, 1, NULL),
  ('bo-tai-chinh', 'BTC', 'Bộ Tài chính', 7, NULL, false, 1, NULL),
  ('bo-cong-thuong', 'BCT', 'Bộ Công Thương', 7, NULL, false, 1, NULL),
  ('bo-nong-nghiep-moi-truong', 'BNNMT', 'Bộ Nông nghiệp và Môi trường', 7, NULL, false, 1, NULL),
  ('bo-xay-dung', 'BXD', 'Bộ Xây dựng', 7, NULL, false, 1, NULL),
  ('bo-vhttdl', 'BVHTTDL', 'Bộ Văn hóa, Thể thao và Du lịch', 7, NULL, false, 1, NULL),
  ('bo-khcn', 'BKHCN', 'Bộ Khoa học và Công nghệ', 7, NULL, false, 1, NULL),
  ('bo-gddt', 'BGDDT', 'Bộ Giáo dục và Đào tạo', 7, NULL, false, 1, NULL),
  ('bo-y-te', 'BYT', 'Bộ Y tế', 7, NULL, false, 1, NULL),
  ('bo-dan-toc-ton-giao', 'BDTTG', 'Bộ Dân tộc và Tôn giáo', 7, NULL, false, 1, NULL),
  ('ngan-hang-nha-nuoc', 'NHNN', 'Ngân hàng Nhà nước Việt Nam', 7, NULL, false, 1, NULL),
  ('thanh-tra-chinh-phu', 'TTCP', 'Thanh tra Chính phủ', 7, NULL, false, 1, NULL),
  ('bo-khdt', 'BKHDT', 'Bộ Kế hoạch và Đầu tư', 7, NULL, false, 3, '2025-03-01'),
  ('bo-gtvt', 'BGTVT', 'Bộ Giao thông vận tải', 7, NULL, false, 3, '2025-03-01'),
  ('bo-tnmt', 'BTNMT', 'Bộ Tài nguyên và Môi trường', 7, NULL, false, 3, '2025-03-01'),
  ('bo-nnptnt', 'BNNPTNT', 'Bộ Nông nghiệp và Phát triển nông thôn', 7, NULL, false, 3, '2025-03-01'),
  ('bo-tttt', 'BTTTT', 'Bộ Thông tin và Truyền thông', 7, NULL, false, 3, '2025-03-01'),
  ('bo-ldtbxh', 'BLDTBXH', 'Bộ Lao động – Thương binh và Xã hội', 7, NULL, false, 3, '2025-03-01'),
  ('uy-ban-dan-toc', 'UBDT', 'Ủy ban Dân tộc', 7, NULL, false, 3, '2025-03-01');

-- Merged away on 2025-03-01 [S].
INSERT INTO unit_successors (unit_id, successor_id, ordinal) VALUES
  ('bo-khdt', 'bo-tai-chinh', 0),
  ('bo-gtvt', 'bo-xay-dung', 0),
  ('bo-tnmt', 'bo-nong-nghiep-moi-truong', 0),
  ('bo-nnptnt', 'bo-nong-nghiep-moi-truong', 0),
  ('bo-tttt', 'bo-khcn', 0),
  ('bo-ldtbxh', 'bo-noi-vu', 0),
  ('bo-ldtbxh', 'bo-gddt', 1),
  ('bo-ldtbxh', 'bo-y-te', 2),
  ('uy-ban-dan-toc', 'bo-dan-toc-ton-giao', 0);

-- Provinces, from 2025-07-01 (Resolution of the National Assembly of 12/06/2025) [S]:
-- 63 became 34; each of the 23 new provinces is named after the first of its parts, so
-- that part's Sở Tư pháp goes on and the others' are merged into it.
UPDATE units SET state = 3, state_date = '2025-07-01', version = version + 1, update_time = now()
WHERE id IN ('stp-ha-giang', 'stp-yen-bai', 'stp-bac-kan', 'stp-vinh-phuc', 'stp-hoa-binh', 'stp-bac-giang', 'stp-thai-binh', 'stp-hai-duong', 'stp-nam-dinh', 'stp-ha-nam', 'stp-quang-binh', 'stp-quang-nam', 'stp-kon-tum', 'stp-binh-dinh', 'stp-ninh-thuan', 'stp-dak-nong', 'stp-binh-thuan', 'stp-phu-yen', 'stp-binh-duong', 'stp-ba-ria-vung-tau', 'stp-binh-phuoc', 'stp-long-an', 'stp-soc-trang', 'stp-hau-giang', 'stp-ben-tre', 'stp-tra-vinh', 'stp-tien-giang', 'stp-bac-lieu', 'stp-kien-giang');

INSERT INTO unit_successors (unit_id, successor_id, ordinal) VALUES
  ('stp-ha-giang', 'stp-tuyen-quang', 0),
  ('stp-yen-bai', 'stp-lao-cai', 0),
  ('stp-bac-kan', 'stp-thai-nguyen', 0),
  ('stp-vinh-phuc', 'stp-phu-tho', 0),
  ('stp-hoa-binh', 'stp-phu-tho', 0),
  ('stp-bac-giang', 'stp-bac-ninh', 0),
  ('stp-thai-binh', 'stp-hung-yen', 0),
  ('stp-hai-duong', 'stp-hai-phong', 0),
  ('stp-nam-dinh', 'stp-ninh-binh', 0),
  ('stp-ha-nam', 'stp-ninh-binh', 0),
  ('stp-quang-binh', 'stp-quang-tri', 0),
  ('stp-quang-nam', 'stp-da-nang', 0),
  ('stp-kon-tum', 'stp-quang-ngai', 0),
  ('stp-binh-dinh', 'stp-gia-lai', 0),
  ('stp-ninh-thuan', 'stp-khanh-hoa', 0),
  ('stp-dak-nong', 'stp-lam-dong', 0),
  ('stp-binh-thuan', 'stp-lam-dong', 0),
  ('stp-phu-yen', 'stp-dak-lak', 0),
  ('stp-binh-duong', 'stp-thanh-pho-ho-chi-minh', 0),
  ('stp-ba-ria-vung-tau', 'stp-thanh-pho-ho-chi-minh', 0),
  ('stp-binh-phuoc', 'stp-dong-nai', 0),
  ('stp-long-an', 'stp-tay-ninh', 0),
  ('stp-soc-trang', 'stp-can-tho', 0),
  ('stp-hau-giang', 'stp-can-tho', 0),
  ('stp-ben-tre', 'stp-vinh-long', 0),
  ('stp-tra-vinh', 'stp-vinh-long', 0),
  ('stp-tien-giang', 'stp-dong-thap', 0),
  ('stp-bac-lieu', 'stp-ca-mau', 0),
  ('stp-kien-giang', 'stp-an-giang', 0);

-- Names people write for the city and the ministries (abbreviations expand per word:
-- "So Tu phap TP HCM", "STP TP.HCM", "Bo KHDT").
INSERT INTO abbreviations (abbreviation, expansion) VALUES
  ('hcm', 'Hồ Chí Minh'),
  ('tphcm', 'Thành phố Hồ Chí Minh'),
  ('hn', 'Hà Nội'),
  ('bca', 'Bộ Công an'),
  ('btp', 'Bộ Tư pháp'),
  ('vpcp', 'Văn phòng Chính phủ'),
  ('ttcp', 'Thanh tra Chính phủ'),
  ('nhnn', 'Ngân hàng Nhà nước'),
  ('khdt', 'Kế hoạch và Đầu tư'),
  ('gtvt', 'Giao thông vận tải'),
  ('tnmt', 'Tài nguyên và Môi trường'),
  ('nnptnt', 'Nông nghiệp và Phát triển nông thôn'),
  ('tttt', 'Thông tin và Truyền thông'),
  ('ldtbxh', 'Lao động – Thương binh và Xã hội'),
  ('khcn', 'Khoa học và Công nghệ'),
  ('gddt', 'Giáo dục và Đào tạo'),
  ('vhttdl', 'Văn hóa, Thể thao và Du lịch')
ON CONFLICT (abbreviation) DO NOTHING;

UPDATE directory_revision SET revision = revision + 1;
