using System.Buffers.Binary;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// The QEMU ERST store reader and a record's Length (UEFI 2.10 N.2.1 Record Length, offset 20 of the record): one
/// longer than its slot or shorter than the 128-byte header is a reported error, from the library's describer and from
/// <c>apeikit decode</c> (the message read back), never a record cut or padded silently, and the store's other slots
/// are still described. The fixture's slot 1 is a live DMESG_Z record of 694 bytes in an 8192-byte slot.
/// </summary>
public class ErstStoreRecordLengthTests() : TempDirectoryTests("apeikit-erst-store-length-")
{
    private const int Slot1 = 0x2000;

    private static byte[] WithRecordLength(uint length)
    {
        var b = Fixtures.Bytes("erst-store/qemu-erst-store.bin");
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(Slot1 + 20), length);
        return b;
    }

    // What the library's describer reports for the store, in order.
    private static List<ApeiContentException> Described(byte[] store)
    {
        var errors = new ReportedErrors();
        ErstStoreDescriber.Describe(store, 0, errors);
        return errors.Seen;
    }

    // apeikit decode of the store, which reports an error: exit code 1; what it printed.
    private string DecodeFails(byte[] store)
    {
        var r = CliRunner.Run("decode", Write("store.bin", store));
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("   at ", r.Out + r.Error, StringComparison.Ordinal);
        return r.Out;
    }

    [Fact]
    public void A_record_longer_than_its_slot_is_reported_by_the_describer_and_decode()
    {
        var b = WithRecordLength(9000);
        var errors = Described(b);
        ContentError.AssertSays(errors[0], "ERST store slot 1", "RecordLength", Slot1 + 20, "at most the slot size 8192", "9000");
        Assert.Contains(errors, e => e.Structure == "CPER record" && e.Found == "8192 bytes"); // and the record is cut short, said so
        Assert.Contains("ERROR: ERST store slot 1, field RecordLength, at offset 0x2014 (8212): expected at most the slot size 8192, found 9000", DecodeFails(b), StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_shorter_than_its_header_is_reported_by_the_describer_and_decode()
    {
        var b = WithRecordLength(100);
        // And the walk goes on: the store's other slots are described (it used to throw here).
        ContentError.AssertSays(Assert.Single(Described(b)), "CPER record header", "RecordLength", Slot1 + 20, ">= 128", "100");
        TextAssert.ContainsAll(DecodeFails(b),
            "ERROR: CPER record header, field RecordLength, at offset 0x2014 (8212): expected >= 128, found 100",
            "Record bytes (its header cannot be read) (at 0x2000, 8192 bytes):",
            "Slot 2: live",
            "Summary: 2 live record(s), 1 cleared");
        using var doc = System.Text.Json.JsonDocument.Parse(CliRunner.Run("decode", "-f", "json", Write("store2.bin", b)).Out);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
    }

    [Fact]
    public void A_live_slot_without_the_cper_signature_is_an_error_with_its_bytes_shown()
    {
        // The error was reported but the slot's bytes were shown nowhere (DESIGN.md: every error slot's bytes are shown).
        var b = Fixtures.Bytes("erst-store/qemu-erst-store.bin");
        "XPER"u8.CopyTo(b.AsSpan(Slot1));
        ContentError.AssertSays(Assert.Single(Described(b)), "ERST store slot 1", "signature", Slot1, "\"CPER\" (the map lists a record here)", "\"XPER\"");
        TextAssert.ContainsAll(DecodeFails(b),
            "Slot bytes (no CPER record) (at 0x2000, 8192 bytes):",
            "0000: 58 50 45 52",
            "Slot 2: live");
    }
}
