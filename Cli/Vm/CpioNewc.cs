using System.Globalization;
using System.Text;

namespace ApeiKit.Cli;

/// <summary>
/// Writes an uncompressed cpio archive in the "newc" format (the format the Linux kernel unpacks and searches before
/// the initramfs: Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per file, the
/// name and the data each padded to 4 bytes, then the "TRAILER!!!" entry.
/// </summary>
internal static class CpioNewc
{
    /// <summary>An archive holding <paramref name="files"/> (regular files, mode 0644, owned by root, mtime 0).</summary>
    public static byte[] Write(IEnumerable<(string Name, byte[] Data)> files)
        => Write(files.Select(f => (f.Name, f.Data, RegularFile)));

    /// <summary>S_IFREG | 0644.</summary>
    public const uint RegularFile = 0x81A4;
    /// <summary>S_IFREG | 0755.</summary>
    public const uint Executable = 0x81ED;
    /// <summary>S_IFDIR | 0755.</summary>
    public const uint DirectoryMode = 0x41ED;

    /// <summary>An archive holding <paramref name="entries"/> with their modes (type bits included; a directory has no data).</summary>
    public static byte[] Write(IEnumerable<(string Name, byte[] Data, uint Mode)> entries)
    {
        using var ms = new MemoryStream();
        uint ino = 1;
        foreach (var (name, data, mode) in entries) Entry(ms, ino++, mode, name, data);
        Entry(ms, 0, 0, "TRAILER!!!", []);
        return ms.ToArray();
    }

    private static void Entry(MemoryStream ms, uint ino, uint mode, string name, byte[] data)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        var sb = new StringBuilder("070701");
        foreach (uint v in new uint[] { ino, mode, 0, 0, mode == 0 ? 0u : (mode & 0xF000) == 0x4000 ? 2u : 1u, 0, (uint)data.Length, 0, 0, 0, 0, (uint)nameBytes.Length, 0 })
            sb.Append(v.ToString("X8", CultureInfo.InvariantCulture));
        ms.Write(Encoding.ASCII.GetBytes(sb.ToString()));
        ms.Write(nameBytes);
        Pad(ms);
        ms.Write(data);
        Pad(ms);
    }

    private static void Pad(MemoryStream ms)
    {
        while (ms.Length % 4 != 0) ms.WriteByte(0);
    }
}
