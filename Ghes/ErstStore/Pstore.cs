using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using ApeiKit.Cper;

namespace ApeiKit.Ghes;

/// <summary>Which of Linux pstore's ERST sections a section is.</summary>
public enum PstoreSectionKind
{
    /// <summary>Not a pstore section type.</summary>
    None,
    /// <summary>DMESG_Z (4f118707-…): the kernel log, raw deflate (zlib with -MAX_WBITS in fs/pstore/platform.c).</summary>
    DmesgCompressed,
    /// <summary>DMESG (c197e04e-…): the kernel log as plain text.</summary>
    Dmesg,
    /// <summary>MCE (fe08ffbe-…): the kernel's struct mce.</summary>
    Mce,
}

/// <summary>The kmsg_dump header line Linux puts before the log: <c>Panic#1 Part1</c> (reason, oops count, part).</summary>
/// <param name="Reason">"Panic", "Oops", "Emergency", "Restart", "Halt", "Poweroff", ...</param>
/// <param name="Count">The count after '#' (the oops count since boot).</param>
/// <param name="Part">The part number (a log larger than one record is split; part 1 is the newest text).</param>
public sealed record PstoreDumpHeader(string Reason, int Count, int Part);

/// <summary>
/// Linux pstore's records in ERST (drivers/acpi/apei/erst.c, <c>erst_writer</c>): a 128-byte CPER header whose creator is
/// <see cref="CperGuids.CreatorPstore"/>, severity fatal, validation bits 0x2 (timestamp) — but the timestamp at offset
/// 24 is a raw <c>time_t</c> (seconds since 1970, <c>ktime_get_real_seconds()</c>), not UEFI's BCD format; notification
/// type MCE, flags 0x2 (previous error), persistence information "ER", record id (seconds &lt;&lt; 32) + n; one
/// primary section at offset 200 of type DMESG_Z, DMESG or MCE.
/// </summary>
public static partial class Pstore
{
    /// <summary>The most bytes a compressed log is inflated to, whatever its size (a deflate bomb stops there, and says so).</summary>
    public const int MaxInflatedLength = 4 << 20;

    /// <summary>
    /// The most bytes <see cref="Inflate"/> produces from <paramref name="compressedLength"/> bytes: 32 times the input plus
    /// 64 KiB, at most <see cref="MaxInflatedLength"/>. pstore compresses a buffer a few times its record size (kernel
    /// logs deflate 3 to 10 times), so real logs stay far below; deflate allows 1032:1, which would let an 8 KiB slot
    /// claim 8 MiB of text.
    /// </summary>
    public static int InflateLimit(int compressedLength) => (int)Math.Min(MaxInflatedLength, 32L * compressedLength + 65536);

    /// <summary>
    /// The kernel's <c>struct mce</c> (arch/x86/include/uapi/asm/mce.h), what the MCE section holds. Fields were added over
    /// the years (synd, ipid, ppin, microcode, kflags); a shorter section is shown through its last whole field.
    /// </summary>
    public static StructDef Mce { get; } = new("struct mce", 128,
    [
        FieldDef.Hex("status", "MCi_STATUS", 0, 8),
        FieldDef.Hex("misc", "MCi_MISC", 8, 8),
        FieldDef.Hex("addr", "MCi_ADDR", 16, 8),
        FieldDef.Hex("mcgstatus", "MCG_STATUS", 24, 8),
        FieldDef.Hex("ip", "Instruction pointer", 32, 8),
        FieldDef.UInt("tsc", "TSC", 40, 8),
        FieldDef.UInt("time", "Time (seconds since 1970)", 48, 8),
        FieldDef.Enum("cpuvendor", "CPU vendor", 56, 1, new NameTable([ new(0, "Intel"), new(2, "AMD"), new(9, "Hygon"), new(10, "Zhaoxin"), new(5, "Centaur") ])),
        FieldDef.Hex("injectFlags", "Inject flags", 57, 1),
        FieldDef.UInt("severity", "Severity", 58, 1),
        FieldDef.Reserved("pad", 59, 1),
        FieldDef.Hex("cpuid", "CPUID", 60, 4),
        FieldDef.Hex("cs", "Code segment", 64, 1),
        FieldDef.UInt("bank", "Bank", 65, 1),
        FieldDef.UInt("cpu", "CPU (legacy 8-bit)", 66, 1),
        FieldDef.UInt("finished", "Finished", 67, 1),
        FieldDef.UInt("extcpu", "CPU", 68, 4),
        FieldDef.UInt("socketid", "Socket", 72, 4),
        FieldDef.Hex("apicid", "APIC ID", 76, 4),
        FieldDef.Hex("mcgcap", "MCG_CAP", 80, 8),
        FieldDef.Hex("synd", "MCA_SYND", 88, 8),
        FieldDef.Hex("ipid", "MCA_IPID", 96, 8),
        FieldDef.Hex("ppin", "PPIN", 104, 8),
        FieldDef.Hex("microcode", "Microcode revision", 112, 4),
        FieldDef.Reserved("pad2", 116, 4),
        FieldDef.Hex("kflags", "Kernel flags", 120, 8),
    ]);

    /// <summary>The kind of a section type GUID.</summary>
    public static PstoreSectionKind KindOf(Guid sectionType) =>
        sectionType == CperGuids.PstoreDmesgZ ? PstoreSectionKind.DmesgCompressed
        : sectionType == CperGuids.PstoreDmesg ? PstoreSectionKind.Dmesg
        : sectionType == CperGuids.PstoreMce ? PstoreSectionKind.Mce
        : PstoreSectionKind.None;

    /// <summary>True when the record's creator (offset 64) is Linux pstore.</summary>
    public static bool IsPstoreRecord(ReadOnlySpan<byte> record)
        => record.Length >= 128 && record.StartsWith("CPER"u8) && new Guid(record.Slice(64, 16)) == CperGuids.CreatorPstore;

    /// <summary>The header's timestamp field read as Linux pstore writes it: seconds since 1970 (u64 at offset 24).</summary>
    public static ulong RawTimestampSeconds(ReadOnlySpan<byte> record) => BinaryPrimitives.ReadUInt64LittleEndian(record[24..]);

    /// <summary>The pstore timestamp as a UTC time, or null when it does not fit a <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset? Timestamp(ReadOnlySpan<byte> record)
    {
        ulong s = RawTimestampSeconds(record);
        return s <= 253402300799UL ? DateTimeOffset.FromUnixTimeSeconds((long)s) : null;
    }

    /// <summary>Inflates a DMESG_Z body (raw deflate), at most <see cref="InflateLimit"/> bytes.</summary>
    /// <param name="compressed">The section body.</param>
    /// <param name="truncated">True when the output reached the limit before the stream ended.</param>
    /// <exception cref="InvalidDataException">Not a valid deflate stream.</exception>
    public static byte[] Inflate(ReadOnlySpan<byte> compressed, out bool truncated)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16384];
        truncated = false;
        int limit = InflateLimit(compressed.Length);
        int n;
        while ((n = deflate.Read(buffer, 0, buffer.Length)) > 0)
        {
            int room = limit - (int)output.Length;
            if (n > room)
            {
                output.Write(buffer, 0, room);
                truncated = true;
                break;
            }
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }

    /// <summary>Compresses text the way pstore does (raw deflate), for building test stores.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> text)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(text);
        return output.ToArray();
    }

    [GeneratedRegex(@"\A([A-Za-z]+)#(\d{1,9}) Part(\d{1,9})\r?\n")]
    private static partial Regex DumpHeaderLine();

    /// <summary>Parses the kmsg_dump header line at the start of the log text (<c>Panic#1 Part1</c>), or null.</summary>
    public static PstoreDumpHeader? ParseHeader(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = DumpHeaderLine().Match(text);
        return m.Success
            ? new PstoreDumpHeader(m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>
    /// Log bytes as text: UTF-8 (invalid bytes become U+FFFD), line breaks and tabs kept, every other control character
    /// (an escape sequence a crashed kernel's log or a forged record could carry to a terminal) and the bidirectional
    /// overrides written as <c>\xNN</c> / <c>\uNNNN</c>.
    /// </summary>
    public static string Text(ReadOnlySpan<byte> log)
    {
        string text = Encoding.UTF8.GetString(log);
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool escape = (char.IsControl(c) && c is not '\n' and not '\t') || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
            if (!escape)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length + 16);
            sb.Append(c <= 0xFF ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}") : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"));
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>
    /// Builds the CPER record Linux's erst_writer writes for a kernel log, byte for byte as described in the class
    /// remarks (for tests and for building stores): <paramref name="body"/> is the section body (already compressed for
    /// <see cref="PstoreSectionKind.DmesgCompressed"/>).
    /// </summary>
    public static byte[] BuildRecord(PstoreSectionKind kind, ReadOnlySpan<byte> body, ulong unixSeconds, ulong recordId)
    {
        Guid type = kind switch
        {
            PstoreSectionKind.DmesgCompressed => CperGuids.PstoreDmesgZ,
            PstoreSectionKind.Dmesg => CperGuids.PstoreDmesg,
            PstoreSectionKind.Mce => CperGuids.PstoreMce,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var r = new byte[200 + body.Length];
        "CPER"u8.CopyTo(r);
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(4), 0x0100); // revision (CPER_RECORD_REV)
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(6), 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(10), 1); // section count
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(12), 1); // severity fatal
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(16), 0x2); // validation bits: timestamp
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(20), (uint)r.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(24), unixSeconds); // time_t, not UEFI's format
        CperGuids.CreatorPstore.TryWriteBytes(r.AsSpan(64));
        CperGuids.NotifyMce.TryWriteBytes(r.AsSpan(80));
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(96), recordId);
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(104), 0x2); // flags: previous error
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(108), 0x5245); // persistence information "ER"
        // Section descriptor at 128.
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(128), 200);
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(132), (uint)body.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(r.AsSpan(136), 0x0100);
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(140), 1); // flags: primary
        type.TryWriteBytes(r.AsSpan(144));
        BinaryPrimitives.WriteUInt32LittleEndian(r.AsSpan(176), 1); // section severity fatal
        body.CopyTo(r.AsSpan(200));
        return r;
    }
}
