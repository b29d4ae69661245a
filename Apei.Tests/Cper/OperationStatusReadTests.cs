using System.Buffers;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The non-throwing reads (issue #17 item 2): Done, NeedMoreData or InvalidData with the content error, for a real
/// record and block, a prefix of them and corrupted copies; never an exception.
/// </summary>
public sealed class OperationStatusReadTests
{
    [Fact]
    public void Cper_record_reads_report_done_need_more_data_or_invalid_data_with_the_error()
    {
        byte[] record = Fixtures.Bytes("cper/whea/TestErrorMemory1.bin");

        Assert.Equal(OperationStatus.Done, CperRecordView.TryRead(record, out var view, out int n, out var error));
        Assert.Null(error);
        Assert.Equal(record.Length, n);
        Assert.Equal(1, view.DescriptorCount);

        Assert.Equal(OperationStatus.NeedMoreData, CperRecordView.TryRead(record.AsSpan(0, 200), out _, out n, out error));
        Assert.Null(error);
        Assert.Equal(0, n);

        byte[] bad = (byte[])record.Clone();
        bad[0] = (byte)'X'; // signature
        Assert.Equal(OperationStatus.InvalidData, CperRecordView.TryRead(bad, out _, out n, out error, baseOffset: 4096));
        Assert.NotNull(error);
        Assert.Equal(0, n);
        Assert.Equal(4096, error.Offset);
        Assert.Throws<ApeiContentException>(() => CperRecordView.TryRead(bad, out _, out _)); // the bool overload throws
    }

    [Fact]
    public void Error_status_block_reads_report_done_need_more_data_or_invalid_data_with_the_error()
    {
        var block = new ErrorStatusBlock { ErrorSeverity = 2 };
        block.Entries.Add(new ErrorDataEntry { ErrorSeverity = 2, Body = new MemoryErrorSection { PhysicalAddress = 0x1000 } });
        byte[] bytes = block.Encode();

        Assert.Equal(OperationStatus.Done, ErrorStatusBlockView.TryRead(bytes, out var view, out int n, out var error));
        Assert.Null(error);
        Assert.Equal(bytes.Length, n);
        Assert.Equal(1, view.EntryCount);

        Assert.Equal(OperationStatus.NeedMoreData, ErrorStatusBlockView.TryRead(bytes.AsSpan(0, bytes.Length - 1), out _, out _, out error));
        Assert.Null(error);

        byte[] bad = (byte[])bytes.Clone();
        bad[12] = 1; // Data Length 1: too small for one entry, more bytes cannot fix it
        bad[13] = 0; bad[14] = 0; bad[15] = 0;
        Assert.Equal(OperationStatus.InvalidData, ErrorStatusBlockView.TryRead(bad, out _, out n, out error));
        Assert.NotNull(error);
        Assert.Equal(0, n);
    }

    public static TheoryData<string> Tables => new() { "HEST", "ERST", "EINJ", "BERT", "ERSTSTOR" };

    [Theory]
    [MemberData(nameof(Tables))]
    public void Table_views_report_done_need_more_data_or_invalid_data_with_the_error(string kind)
    {
        byte[] bytes = kind switch
        {
            "HEST" => new HestBuilder().AddGhesV2(0, NotificationType.Polled).Build(regionBase: 0x4000_0000).TableBytes,
            "ERST" => ActionTablePresets.QemuErst(0xFEBD7000).Encode(),
            "EINJ" => ActionTablePresets.DefaultEinj(0xFEBD8000).Encode(),
            "BERT" => Fixtures.Bytes("bert/dummy.bert"),
            _ => Fixtures.Bytes("erst-store/qemu-erst-store.bin"),
        };
        ApeiContentException? error;
        OperationStatus Read(byte[] b) => kind switch
        {
            "HEST" => HestTable.TryRead(b, out _, out error),
            "ERST" or "EINJ" => ActionTable.TryRead(b, out _, out error),
            "BERT" => BertTable.TryRead(b, out _, out error),
            _ => ErstStoreView.TryRead(b, out _, out error),
        };

        Assert.Equal(OperationStatus.Done, Read(bytes));
        Assert.Null(error);
        Assert.Equal(OperationStatus.NeedMoreData, Read(bytes[..20]));
        Assert.Null(error);
        byte[] bad = (byte[])bytes.Clone();
        bad[0] = (byte)'X'; // signature or magic
        Assert.Equal(OperationStatus.InvalidData, Read(bad));
        Assert.NotNull(error);
    }
}
