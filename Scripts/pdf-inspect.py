"""Reads StarCert's PDFs with pikepdf, for the tests (the judge is not StarCert's own code).

  pdf-inspect.py pdfa FILE        PDF/A-2b verdict of the file's first unsigned revision, then findings
  pdf-inspect.py structure FILE   the structure tree, one element per line, indented; Figure /Alt shown
  pdf-inspect.py catalog FILE     /Lang, /MarkInfo and the XMP's pdfaid part and conformance
  pdf-inspect.py pades FILE CERT  the last signature as pyHanko reads and validates it against CERT:
                                  its sub-filter, signed attributes, DocMDP level, coverage and verdict
"""
import sys
import tempfile

import pikepdf


def unsigned_revision(path):
    data = open(path, "rb").read()
    marker = data.rfind(b"/ByteRange")
    if marker < 0:
        return path
    end = data.rfind(b"%%EOF", 0, marker)
    handle = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
    handle.write(data[: end + 6])
    handle.close()
    return handle.name


def pdfa(path):
    import pikepdf.pdfa as pdfa_check

    report = pdfa_check.validate_written(unsigned_revision(path), "2b")
    print(report.summary())


def structure(path):
    pdf = pikepdf.open(path)
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        print("(no structure tree)")
        return

    def walk(node, depth):
        kids = node.get("/K")
        if kids is None:
            return
        if not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                role = str(kid.get("/S"))[1:]
                alt = kid.get("/Alt")
                line = "  " * depth + role
                if alt is not None:
                    line += " alt=" + str(alt)
                attributes = kid.get("/A")
                if isinstance(attributes, pikepdf.Dictionary) and "/Scope" in attributes:
                    line += " scope=" + str(attributes.Scope)[1:]
                print(line)
                walk(kid, depth + 1)

    walk(root, 0)


def catalog(path):
    pdf = pikepdf.open(path)
    print("Lang=" + str(pdf.Root.get("/Lang")))
    print("Marked=" + str(pdf.Root.get("/MarkInfo", {}).get("/Marked")))
    meta = pdf.open_metadata()
    print("pdfaid=" + str(meta.get("pdfaid:part")) + str(meta.get("pdfaid:conformance")))


def pades(path, trust):
    """What a PAdES baseline B-B signature must be (ETSI EN 319 142-1, 5.3 and 6.3), as pyHanko reads
    it: ETSI.CAdES.detached; content-type, message-digest and signing-certificate-v2 signed, and no
    signing-time; a certification signature permitting no change; valid, covering the whole file."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    with open(path, "rb") as handle:
        reader = PdfFileReader(handle)
        signature = reader.embedded_signatures[-1]
        context = ValidationContext(trust_roots=[load_cert_from_pemder(trust)], allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(signature, context)
        print("subfilter=" + str(signature.sig_object["/SubFilter"]))
        print("signed-attributes=" + ",".join(sorted(a["type"].native for a in signature.signer_info["signed_attrs"])))
        print("docmdp=" + (signature.docmdp_level.name if signature.docmdp_level is not None else "none"))
        print("coverage=" + status.coverage.name)
        print("modifications=" + status.modification_level.name)
        print("valid=" + str(status.bottom_line))


if __name__ == "__main__":
    {"pdfa": pdfa, "structure": structure, "catalog": catalog, "pades": pades}[sys.argv[1]](*sys.argv[2:])
