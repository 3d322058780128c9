"""A throwaway RFC 3161 time-stamping authority on loopback, for tests: a CA and a
TSA certificate (extendedKeyUsage critical timeStamping) made in a temporary
folder, OpenSSL's `openssl ts -reply` answering each request, behind a small
HTTP server on 127.0.0.1 and a random free port."""

import datetime
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
POLICY = "1.3.6.1.4.1.99999.1"  # a private test policy


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(path: Path, certificate: x509.Certificate) -> None:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def make_ca(folder: Path, common_name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed CA valid from an hour ago for a day, written to folder/ca.pem."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    _pem(folder / "ca.pem", certificate)
    return certificate, key


def _tsa_certificate(
    folder: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, *, key_type: str
) -> None:
    key = (
        ec.generate_private_key(ec.SECP384R1())
        if key_type == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("Warrant test TSA"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    _pem(folder / "tsa.pem", certificate)
    (folder / "tsa.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def _config(folder: Path, *, ess_cert_id_alg: str) -> Path:
    """OpenSSL's TSA configuration: the chain (TSA and CA) goes into every token; the
    TSA's certificate is named in the signed attributes by its SHA-1 (ESS signingCertificate)
    or another hash (signingCertificateV2)."""
    config = folder / "tsa.cnf"
    config.write_text(
        f"""[ tsa ]
default_tsa = test_tsa
[ test_tsa ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = {POLICY}
other_policies = {POLICY}
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = {ess_cert_id_alg}
"""
    )
    (folder / "serial").write_text("01\n")
    return config


@dataclass
class LocalTSA:
    url: str
    ca_pem: Path
    # "ok" answers with OpenSSL's time-stamp, "error" with HTTP 500, "garbage" with 200 and junk.
    mode: str = "ok"
    requests: int = 0


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with server.lock:
            server.tsa.requests += 1
            mode = server.tsa.mode
            if mode == "ok":
                answer = server.reply(query)
        if mode == "error":
            self._send(500, b"internal error", "text/plain")
        elif mode == "garbage":
            self._send(200, b"<html>not a time-stamp</html>", "application/timestamp-reply")
        else:
            self._send(200, answer, "application/timestamp-reply")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


class _Server(ThreadingHTTPServer):
    tsa: LocalTSA
    lock: threading.Lock
    folder: Path
    config: Path

    def reply(self, query: bytes) -> bytes:
        (self.folder / "query.tsq").write_bytes(query)
        subprocess.run(
            [
                OPENSSL,
                "ts",
                "-reply",
                "-config",
                str(self.config),
                "-queryfile",
                str(self.folder / "query.tsq"),
                "-out",
                str(self.folder / "reply.tsr"),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return (self.folder / "reply.tsr").read_bytes()


@contextmanager
def local_tsa(folder: Path, *, key_type: str = "rsa", ess_cert_id_alg: str = "sha256") -> Iterator[LocalTSA]:
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key = make_ca(folder, "Warrant test TSA root")
    _tsa_certificate(folder, ca, ca_key, key_type=key_type)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.folder = folder
    server.config = _config(folder, ess_cert_id_alg=ess_cert_id_alg)
    server.lock = threading.Lock()
    server.tsa = LocalTSA(url=f"http://127.0.0.1:{server.server_port}/tsr", ca_pem=folder / "ca.pem")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.tsa
    finally:
        server.shutdown()
        server.server_close()
