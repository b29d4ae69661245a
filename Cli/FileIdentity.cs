using System.Runtime.InteropServices;

namespace ApeiKit.Cli;

/// <summary>
/// Which file a path names, to tell "output is an input" through symbolic and hard links.
/// <para>
/// On Linux: <c>statx(2)</c> through glibc/musl (one P/Invoke, no package). <c>statx</c> is used rather than
/// <c>stat</c> because its buffer has one layout on every architecture (<c>struct stat</c> differs between x86-64 and
/// arm64, and glibc before 2.33 exports no <c>stat</c> symbol at all); a file is its (device, inode) pair and its type
/// comes from <c>stx_mode</c>. Elsewhere, or when the call is unavailable, the identity is the full path after
/// resolving symbolic links (hard links are then not recognised) and everything under <c>/dev/</c> counts as a device.
/// </para>
/// </summary>
internal static class FileIdentity
{
    /// <summary>What a path is.</summary>
    public enum Kind { Missing, Regular, Directory, Other }

    /// <summary>A file's identity: device and inode, or (fallback) its resolved full path in <see cref="Path"/>.</summary>
    public readonly record struct Id(ulong Device, ulong Inode, string? Path);

    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7FF;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
#pragma warning disable SYSLIB1054, CA2101 // a plain P/Invoke: the project does not allow unsafe code for the generated marshaller
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054, CA2101

    private static bool s_statxMissing = !OperatingSystem.IsLinux();

    private static byte[]? StatX(string path)
    {
        if (s_statxMissing) return null;
        var buffer = new byte[256];
        try
        {
            return Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) == 0 ? buffer : [];
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_statxMissing = true;
            return null;
        }
    }

    /// <summary>What <paramref name="path"/> is (symbolic links followed).</summary>
    public static Kind KindOf(string path)
    {
        if (StatX(path) is { } b)
        {
            if (b.Length == 0) return Kind.Missing;
            int mode = BitConverter.ToUInt16(b, 28) & 0xF000;
            return mode switch { 0x8000 => Kind.Regular, 0x4000 => Kind.Directory, _ => Kind.Other };
        }
        if (Directory.Exists(path)) return Kind.Directory;
        if (!File.Exists(path)) return Kind.Missing;
        return System.IO.Path.GetFullPath(path).StartsWith("/dev/", StringComparison.Ordinal) ? Kind.Other : Kind.Regular;
    }

    /// <summary>The identity of the file <paramref name="path"/> names (symbolic links followed), or null when there is none.</summary>
    public static Id? Of(string path)
    {
        if (StatX(path) is { } b)
        {
            if (b.Length == 0) return null;
            ulong device = ((ulong)BitConverter.ToUInt32(b, 136) << 32) | BitConverter.ToUInt32(b, 140);
            return new Id(device, BitConverter.ToUInt64(b, 32), null);
        }
        if (!File.Exists(path) && !Directory.Exists(path)) return null;
        return new Id(0, 0, Resolve(path));
    }

    /// <summary>The full path of <paramref name="path"/> with a final symbolic link (chain) resolved.</summary>
    public static string Resolve(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            var target = File.ResolveLinkTarget(full, returnFinalTarget: true);
            return target is null ? full : System.IO.Path.GetFullPath(target.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return full;
        }
    }
}
