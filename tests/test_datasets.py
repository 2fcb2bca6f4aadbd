"""fastw2v.datasets against a small zip served on 127.0.0.1: checksum, size, cut downloads."""
import hashlib
import http.server
import io
import threading
import time
import zipfile

import pytest

from fastw2v import datasets, readers

WORDS = ("anarchism originated as a term of abuse first used against early working class "
         "radicals including the diggers of the english revolution ").split() * 700  # 14,700


def _zip_bytes(text=" " + " ".join(WORDS), compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("tiny8", text)  # text8 starts with a space
    return buffer.getvalue()


ZIP = _zip_bytes()
STORED = _zip_bytes(compression=zipfile.ZIP_STORED)
# one letter of the stored text changed: the archive is whole, the member's CRC-32 is wrong
BAD_CRC = STORED.replace(b"anarchism originated", b"anarchism origiNated", 1)
assert len(BAD_CRC) == len(STORED) and BAD_CRC != STORED


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = BAD_CRC if self.path == "/badcrc.zip" else ZIP
        if self.path == "/big.zip":  # announced and sent: more than expected
            body += b"\0" * 1000
        self.send_response(200)
        if self.path != "/unannounced.zip":  # sent without Content-Length: more than expected
            self.send_header("Content-Length", str(len(body)))
        else:
            body += b"\0" * 1000
        self.end_headers()
        if self.path == "/cut.zip":  # the connection drops half-way
            body = body[:len(body) // 2]
        try:
            if self.path == "/slow.zip":  # ten bytes every 20 ms: within every socket timeout
                for i in range(0, len(body), 10):
                    self.wfile.write(body[i:i + 10])
                    self.wfile.flush()
                    time.sleep(0.02)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up
            pass
        self.server.requests += 1

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.requests = 0
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _register(monkeypatch, server, path="/tiny8.zip", sha256=hashlib.sha256(ZIP).hexdigest(),
              size=len(ZIP), member="tiny8", sha1=None):
    url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    entry = datasets.Dataset(url=url, filename="tiny8.zip", member=member, size=size,
                             sha256=sha256, description="test corpus", sha1=sha1)
    monkeypatch.setitem(datasets.DATASETS, "tiny8", entry)


def _cache_files(directory):
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_load_downloads_once_and_reads_texts(tmp_path, server, monkeypatch):
    _register(monkeypatch, server)
    monkeypatch.setattr(readers, "_READ_CHUNK", 777)  # words cut across blocks
    before = server.requests
    corpus = datasets.load("tiny8", cache_dir=tmp_path / "cache")
    texts = list(corpus)
    assert [len(t) for t in texts] == [10000, 4700]
    assert sum(texts, []) == WORDS
    assert list(corpus) == texts  # re-iterable
    assert _cache_files(tmp_path / "cache") == ["tiny8.zip"]
    assert (datasets.download("tiny8", cache_dir=tmp_path / "cache")
            == tmp_path / "cache" / "tiny8.zip")
    assert server.requests == before + 1  # the second call used the cache


def test_cache_dir_from_environment(tmp_path, server, monkeypatch):
    _register(monkeypatch, server)
    monkeypatch.setenv("FASTW2V_DATA_DIR", str(tmp_path / "env"))
    assert datasets.cache_directory() == tmp_path / "env"
    assert datasets.download("tiny8") == tmp_path / "env" / "tiny8.zip"
    monkeypatch.delenv("FASTW2V_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert datasets.cache_directory() == tmp_path / "xdg" / "fastw2v"


def test_wrong_checksum_leaves_nothing(tmp_path, server, monkeypatch):
    _register(monkeypatch, server, sha256="0" * 64)
    with pytest.raises(ValueError, match="has sha256 [0-9a-f]{64}, expected 0{64}; not cached"):
        datasets.load("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []
    good = hashlib.sha256(ZIP).hexdigest()
    assert len(list(datasets.load("tiny8", cache_dir=tmp_path, sha256=good.upper()))) == 2


def test_wrong_size_leaves_nothing(tmp_path, server, monkeypatch):
    _register(monkeypatch, server, size=len(ZIP) + 1)
    with pytest.raises(ValueError, match=f"has {len(ZIP)} bytes, expected {len(ZIP) + 1}"):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []


def test_cut_download_leaves_nothing(tmp_path, server, monkeypatch):
    _register(monkeypatch, server, path="/cut.zip")
    with pytest.raises(ConnectionError, match=f"cut short: {len(ZIP) // 2} of {len(ZIP)} bytes"):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []


def test_interrupted_download_leaves_nothing(tmp_path, server, monkeypatch):
    _register(monkeypatch, server)

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(datasets.hashlib, "sha256", lambda: type("H", (), {"update": interrupt})())
    with pytest.raises(KeyboardInterrupt):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []


def test_missing_checksum_is_logged_and_unknown_name(tmp_path, server, monkeypatch, caplog):
    _register(monkeypatch, server, sha256=None)
    with caplog.at_level("WARNING", logger="fastw2v"):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert f"sha256 {hashlib.sha256(ZIP).hexdigest()}" in caplog.text
    with pytest.raises(KeyError, match="unknown dataset 'text9'; known datasets: .*'text8'"):
        datasets.load("text9", cache_dir=tmp_path)
    assert datasets.DATASETS["text8"].url == "http://mattmahoney.net/dc/text8.zip"


@pytest.mark.parametrize("path, size, message", [
    ("/big.zip", len(ZIP), f"announces {len(ZIP) + 1000} bytes, more than the expected "
                           f"{len(ZIP)}; not cached"),
    ("/unannounced.zip", len(ZIP), f"sends more than the expected {len(ZIP)} bytes; not cached"),
    ("/badcrc.zip", len(BAD_CRC), "is not a valid zip archive holding 'tiny8' \\(Bad CRC-32 for "
                                  "file 'tiny8'\\); not cached"),
])
def test_oversized_or_corrupt_download_leaves_nothing(tmp_path, server, monkeypatch, path, size,
                                                      message):
    _register(monkeypatch, server, path=path, sha256=None, size=size)
    with pytest.raises(ValueError, match=f"download of tiny8 from http://127.0.0.1:\\d+{path} "
                                         + message):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []


def test_missing_member_or_wrong_sha1_leaves_nothing(tmp_path, server, monkeypatch):
    _register(monkeypatch, server, member="text8")
    with pytest.raises(ValueError, match="holds no member 'text8'; not cached"):
        datasets.download("tiny8", cache_dir=tmp_path)
    _register(monkeypatch, server, sha256=None, sha1="F" * 40)
    with pytest.raises(ValueError, match=f"has sha1 {hashlib.sha1(ZIP).hexdigest()}, expected "
                                         f"f{{40}}; not cached"):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []
    _register(monkeypatch, server, sha256=None, sha1=hashlib.sha1(ZIP).hexdigest().upper())
    assert datasets.download("tiny8", cache_dir=tmp_path).read_bytes() == ZIP


def test_text8_is_pinned():
    text8 = datasets.DATASETS["text8"]
    assert (text8.size, text8.sha1) == (31344016, "6c70299b93b7e1f927b42cd8f6ac1a31547c7a2e")


def test_download_past_the_deadline_leaves_nothing(tmp_path, server, monkeypatch):
    monkeypatch.setattr(datasets, "_DEADLINE_SECONDS", 0.2)  # the body takes 1.2 s
    _register(monkeypatch, server, path="/slow.zip")
    with pytest.raises(TimeoutError, match=r"download of tiny8 from .*/slow.zip takes more than "
                                           r"0.2 s \(\d+ bytes received\); not cached"):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []


def test_zipped_words_reads_a_long_word_in_linear_time(tmp_path, monkeypatch,
                                                      space_searches):
    monkeypatch.setattr(readers, "_READ_CHUNK", 64)
    long_word = "z" * 100_000
    path = tmp_path / "w.zip"
    path.write_bytes(_zip_bytes(" ".join(WORDS[:50] + [long_word] + WORDS[:30])))
    texts = list(readers.ZipMemberWords(path, "tiny8", max_sentence_length=40))
    assert [len(t) for t in texts] == [40, 40, 1]
    assert sum(texts, []) == WORDS[:50] + [long_word] + WORDS[:30]
    # each byte is searched for a space about once; before, every block copied and split the
    # whole word read so far again (quadratic in the length of the word)
    assert len(space_searches) >= len(long_word) // 64  # read as the corpus reader reads
    assert sum(space_searches) <= 2 * (len(long_word) + 80 * 12)
    monkeypatch.setattr(readers, "MAX_WORD_BYTES", 50_000)
    with pytest.raises(ValueError, match=r"w.zip:tiny8' line 1: a word longer than "
                                         r"MAX_WORD_BYTES=50000 bytes"):
        list(readers.ZipMemberWords(path, "tiny8"))


@pytest.mark.parametrize("sha256", ["abc", "g" * 64, 12])
def test_bad_sha256_argument(tmp_path, sha256):
    with pytest.raises(ValueError, match=f"sha256 must be 64 hexadecimal digits, got {sha256!r}"):
        datasets.load("text8", cache_dir=tmp_path, sha256=sha256)
    assert _cache_files(tmp_path) == []
    assert isinstance(pytest.raises(ValueError, datasets.load, "text8", tmp_path, 12).value,
                      TypeError)  # a wrong type is a TypeError (and still a ValueError)


@pytest.mark.parametrize("where", ["_check_archive", "copyfileobj"])
def test_interrupt_while_checking_or_caching_leaves_nothing(tmp_path, server, monkeypatch,
                                                            where):
    _register(monkeypatch, server)

    def interrupt(source, *args):
        if where == "copyfileobj":  # half of the file is in the cache's temporary file
            args[0].write(source.read(len(ZIP) // 2))
        raise KeyboardInterrupt

    target = datasets if where == "_check_archive" else datasets.shutil
    monkeypatch.setattr(target, where, interrupt)
    with pytest.raises(KeyboardInterrupt):
        datasets.download("tiny8", cache_dir=tmp_path)
    assert _cache_files(tmp_path) == []


@pytest.mark.parametrize("compression, reason", [
    (zipfile.ZIP_BZIP2, "Invalid data stream"),  # was a bare OSError
    (zipfile.ZIP_LZMA, ".+"),
    (zipfile.ZIP_DEFLATED, "Error -3 while decompressing data: .+"),
])
def test_an_archive_with_a_corrupt_member_is_refused(compression, reason):
    data = bytearray(_zip_bytes(compression=compression))
    start = 30 + len("tiny8")  # the member's data, after its local header
    data[start:start + 12] = b"\xff" * 12
    with pytest.raises(ValueError, match=f"^download of tiny8 is not a valid zip archive holding "
                                         f"'tiny8' \\({reason}\\); not cached$"):
        datasets._check_archive(io.BytesIO(bytes(data)), "tiny8", "download of tiny8")
