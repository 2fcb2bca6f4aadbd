"""fastw2v.datasets against a small zip served on 127.0.0.1: checksum, size, cut downloads."""
import hashlib
import http.server
import io
import threading
import zipfile

import pytest

from fastw2v import datasets

WORDS = ("anarchism originated as a term of abuse first used against early working class "
         "radicals including the diggers of the english revolution ").split() * 700  # 14,700


def _zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tiny8", " " + " ".join(WORDS))  # text8 starts with a space
    return buffer.getvalue()


ZIP = _zip_bytes()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ZIP
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/cut.zip":  # the connection drops half-way
            body = body[:len(body) // 2]
        self.wfile.write(body)
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


def _register(monkeypatch, server, path="/tiny8.zip", sha256=hashlib.sha256(ZIP).hexdigest(), size=len(ZIP)):
    url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    entry = datasets.Dataset(url=url, filename="tiny8.zip", member="tiny8", size=size, sha256=sha256,
                             description="test corpus")
    monkeypatch.setitem(datasets.DATASETS, "tiny8", entry)


def _cache_files(directory):
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_load_downloads_once_and_reads_texts(tmp_path, server, monkeypatch):
    _register(monkeypatch, server)
    monkeypatch.setattr(datasets, "_READ_CHUNK", 777)  # words cut across chunks
    before = server.requests
    corpus = datasets.load("tiny8", cache_dir=tmp_path / "cache")
    texts = list(corpus)
    assert [len(t) for t in texts] == [10000, 4700]
    assert sum(texts, []) == WORDS
    assert list(corpus) == texts  # re-iterable
    assert _cache_files(tmp_path / "cache") == ["tiny8.zip"]
    assert datasets.download("tiny8", cache_dir=tmp_path / "cache") == tmp_path / "cache" / "tiny8.zip"
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
