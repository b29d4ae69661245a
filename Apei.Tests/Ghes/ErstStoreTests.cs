using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ApeiKit.Ghes;
using ApeiKit.Tests.Cli;

namespace ApeiKit.Tests.Ghes;

/// <summary>
/// The QEMU acpi-erst backing file and Linux's pstore records in it. The fixture was written by
/// fixtures/erst-store/make-store.py from the documented layouts (Python's zlib compressed its DMESG_Z log), so these
/// tests compare ApeiKit with an independent implementation.
/// </summary>
public class ErstStoreTests
{
    private static byte[] Store => Fixtures.Bytes("erst-store/qemu-erst-store.bin");

    [Fact]
    public void Reader_sees_the_header_two_live_records_and_a_cleared_one()
    {
        var v = ErstStoreView.Read(Store);
        Assert.Equal(8192u, v.RecordSize);
        Assert.Equal(8192u, v.StorageOffset);
        Assert.Equal(0x0100, v.Version);
        Assert.Equal(2u, v.RecordCount);
        Assert.Equal(8, v.SlotCount);
        Assert.Equal(1, v.FirstRecordSlot);
        Assert.Equal(ErstSlotState.Header, v.StateOf(0));
        Assert.Equal([ErstSlotState.Live, ErstSlotState.Live, ErstSlotState.Cleared, ErstSlotState.Empty, ErstSlotState.Empty, ErstSlotState.Empty, ErstSlotState.Empty],
            Enumerable.Range(1, 7).Select(i => ErstStoreView.Read(Store).StateOf(i)));
        Assert.Equal((1764979200UL << 32) + 1, v.MapEntry(1));
        Assert.Equal(2, v.CountMapped());
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(v.Slot(1)[20..]), (uint)v.RecordIn(1).Length);
    }

    [Fact]
    public void Writing_and_clearing_as_qemu_does_gives_the_fixture_byte_for_byte()
    {
        var fixture = Store;
        var v = ErstStoreView.Read(fixture);
        byte[] r1 = v.RecordIn(1).ToArray(), r2 = v.RecordIn(2).ToArray(), r3 = v.RecordIn(3).ToArray();
        var store = ErstStore.Create(64 * 1024);
        Assert.Equal(1, store.Write(r1));
        Assert.Equal(2, store.Write(r2));
        Assert.Equal(3, store.Write(r3));
        Assert.True(store.Clear(BinaryPrimitives.ReadUInt64LittleEndian(r3.AsSpan(96))));
        Assert.False(store.Clear(12345));
        Assert.Equal(fixture, store.Encode());
    }

    [Fact]
    public void Rewriting_a_record_id_overwrites_its_slot_and_a_full_store_says_so()
    {
        var store = ErstStore.Create(32 * 1024); // 4 slots: header + 3
        var rec = Pstore.BuildRecord(PstoreSectionKind.Dmesg, "Oops#1 Part1\nx\n"u8, 100, (100UL << 32) + 1);
        Assert.Equal(1, store.Write(rec));
        Assert.Equal(1, store.Write(rec));
        Assert.Equal(1u, store.View.RecordCount);
        Assert.Equal(2, store.Write(Pstore.BuildRecord(PstoreSectionKind.Dmesg, "a"u8, 100, (100UL << 32) + 2)));
        Assert.Equal(3, store.Write(Pstore.BuildRecord(PstoreSectionKind.Dmesg, "b"u8, 100, (100UL << 32) + 3)));
        Assert.Throws<InvalidOperationException>(() => store.Write(Pstore.BuildRecord(PstoreSectionKind.Dmesg, "c"u8, 100, (100UL << 32) + 4)));
        Assert.Throws<ArgumentException>(() => store.Write(Pstore.BuildRecord(PstoreSectionKind.Dmesg, "d"u8, 100, 0)));
    }

    [Fact]
    public void Pstore_record_builder_matches_the_independently_built_dmesg_record()
    {
        var v = ErstStoreView.Read(Store);
        var oops = "Oops#1 Part1\n<1>[   12.000101] BUG: kernel NULL pointer dereference, address: 0000000000000000\n<4>[   12.000502] Oops: 0002 [#1] PREEMPT SMP NOPTI\n"u8;
        Assert.Equal(v.RecordIn(2).ToArray(), Pstore.BuildRecord(PstoreSectionKind.Dmesg, oops, 1764979260, (1764979260UL << 32) + 1));
    }

    [Fact]
    public void Dmesg_z_inflates_to_the_panic_log_with_its_header()
    {
        var record = ErstStoreView.Read(Store).RecordIn(1);
        Assert.True(Pstore.IsPstoreRecord(record));
        Assert.Equal(new DateTimeOffset(2025, 12, 6, 0, 0, 0, TimeSpan.Zero), Pstore.Timestamp(record));
        int length = BinaryPrimitives.ReadInt32LittleEndian(record[132..]);
        string text = Pstore.Text(Pstore.Inflate(record.Slice(200, length), out bool truncated));
        Assert.False(truncated);
        Assert.StartsWith("Panic#1 Part1\n", text, StringComparison.Ordinal);
        Assert.Contains("Kernel panic - not syncing: sysrq triggered crash", text, StringComparison.Ordinal);
        Assert.Equal(new PstoreDumpHeader("Panic", 1, 1), Pstore.ParseHeader(text));
        Assert.Null(Pstore.ParseHeader("no header\n"));
    }

    [Fact]
    public void Log_text_keeps_lines_and_escapes_terminal_controls()
        => Assert.Equal("a\tb\nc\\x1B[31md\\u202Ee", Pstore.Text("a\tb\nc\u001B[31md\u202Ee"u8));

    [Fact]
    public void Deflate_then_inflate_gives_the_text_back_and_a_bomb_stops_at_the_limit()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<6>[    1.000000] line\n", 500)));
        Assert.Equal(text, Pstore.Inflate(Pstore.Deflate(text), out bool t1));
        Assert.False(t1);
        var bomb = Pstore.Deflate(new byte[Pstore.MaxInflatedLength + 1000]);
        Assert.Equal(Pstore.InflateLimit(bomb.Length), Pstore.Inflate(bomb, out bool t2).Length);
        Assert.True(Pstore.InflateLimit(bomb.Length) < 1 << 20);
        Assert.True(t2);
    }

    [Fact]
    public void Mce_records_are_shown_as_struct_mce()
    {
        var mce = new byte[128];
        BinaryPrimitives.WriteUInt64LittleEndian(mce, 0xBE00_0000_0001_0090);
        BinaryPrimitives.WriteUInt64LittleEndian(mce.AsSpan(16), 0x1234_5000);
        mce[65] = 7; // bank
        var store = ErstStore.Create(32 * 1024);
        store.Write(Pstore.BuildRecord(PstoreSectionKind.Mce, mce, 1000, (1000UL << 32) + 1));
        var w = new StringWriter();
        Assert.Equal(0, ErstStoreDescriber.Describe(store.Bytes, 0, new TextRenderer(w)));
        Assert.Contains("MCi_STATUS: 0xBE00000000010090", w.ToString(), StringComparison.Ordinal);
        Assert.Contains("MCi_ADDR: 0x0000000012345000", w.ToString(), StringComparison.Ordinal);
        Assert.Contains("Bank: 7", w.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Store_decodes_and_encodes_byte_identical() => Assert.Equal(Store, ErstStore.Decode(Store).Encode());

    [Fact]
    public void Describer_marks_a_record_count_that_disagrees_with_the_map_and_a_map_id_that_is_not_the_records()
    {
        var bytes = Store;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ErstStoreView.RecordCountOffset), 5);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(ErstStoreView.HeaderSize + 8 * 2), 77);
        var collector = new TextRenderer(TextWriter.Null);
        int errors = ErstStoreDescriber.Describe(bytes, 0, collector);
        Assert.Equal(2, errors);
    }

    [Fact]
    public void A_store_cut_short_is_an_error_and_its_whole_slots_still_decode()
    {
        var r = new TextRenderer(TextWriter.Null);
        Assert.Equal(1, ErstStoreDescriber.Describe(Store.AsSpan(0, 30000), 0, r));
        Assert.Equal(3, ErstStoreView.Read(Store.AsSpan(0, 30000)).SlotCount);
    }

    [Fact]
    public void Bad_headers_are_content_errors()
    {
        var bytes = Store;
        bytes[0] = (byte)'X';
        Assert.Throws<ApeiContentException>(() => ErstStoreView.Read(bytes));
        bytes = Store;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 3000);
        Assert.Throws<ApeiContentException>(() => ErstStoreView.Read(bytes));
        Assert.False(ErstStoreView.TryRead(Store.AsSpan(0, 10), out _));
    }

    [Fact]
    public void Mutated_stores_give_a_rendering_or_an_ApeiContentException()
    {
        var rng = new Random(14);
        var original = Store;
        for (int n = 0; n < 200; n++)
        {
            var b = original.ToArray();
            for (int i = 0; i < 8; i++)
            {
                int at = rng.Next(4) switch { 0 => rng.Next(64), 1 => 8192 + rng.Next(300), 2 => 16384 + rng.Next(400), _ => rng.Next(b.Length) };
                b[at] = (byte)rng.Next(256);
            }
            if (rng.Next(4) == 0) b = b[..rng.Next(b.Length)];
            try
            {
                ErstStoreDescriber.Describe(b, 0, new TextRenderer(TextWriter.Null));
                var w = new System.Buffers.ArrayBufferWriter<byte>();
                using (var j = new Utf8JsonWriter(w)) ErstStoreDescriber.Describe(b, 0, new JsonRenderer(j));
                using var _ = JsonDocument.Parse(w.WrittenMemory);
            }
            catch (ApeiContentException)
            {
            }
        }
    }

    [Fact]
    public void Store_text()
    {
        var w = new StringWriter();
        ErstStoreDescriber.Describe(Store, 0, new TextRenderer(w));
        Snapshot.Verify(w.ToString());
    }

    [Fact]
    public void Cli_stats_counts_the_live_records_of_a_store()
    {
        using var doc = CliRunner.Run("stats", "-f", "json", Fixtures.Path("erst-store/qemu-erst-store.bin")).AssertSucceededWithJson();
        Assert.Equal(2, doc.RootElement.GetProperty("records").GetInt32());
        var text = CliRunner.Run("stats", Fixtures.Path("erst-store/qemu-erst-store.bin"));
        Assert.Contains("Linux pstore (CPER_CREATOR_PSTORE)", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_decode_of_a_store_lists_live_and_cleared_records_with_their_logs()
    {
        using var doc = CliRunner.Run("decode", "-f", "json", Fixtures.Path("erst-store/qemu-erst-store.bin")).AssertSucceededWithJson();
        var slots = doc.RootElement.GetProperty("slots");
        Assert.Equal(3, slots.GetArrayLength());
        Assert.StartsWith("cleared", slots[2].GetProperty("state").GetString(), StringComparison.Ordinal);
        Assert.Equal("Panic", slots[0].GetProperty("pstore").GetProperty("sections")[0].GetProperty("dumpHeader").GetProperty("reason").GetString());
        Assert.Equal("2025-12-06T00:00:00Z", slots[0].GetProperty("pstore").GetProperty("timestamp").GetString());
        Assert.Equal("75a574e3-5052-4b29-8a8e-be2c6490b89d", slots[0].GetProperty("records")[0].GetProperty("header").GetProperty("creatorId").GetString());
        var text = CliRunner.Run("decode", Fixtures.Path("erst-store/qemu-erst-store.bin"));
        Assert.Contains("2 live record(s), 1 cleared (deleted, bytes still present), 4 empty slot(s)", text.Out, StringComparison.Ordinal);
    }
}
