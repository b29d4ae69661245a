using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ApeiKit.Cli;

namespace ApeiKit.Tests.RealKernel;

/// <summary>
/// A real Linux guest: Debian's linux-image-amd64 under qemu-system-x86_64 (TCG), booted from an initramfs of static
/// busybox whose /init prints dmesg between markers and powers off. What is needed (all installed by .ci/run):
/// qemu-system-x86_64, /boot/vmlinuz-*-amd64, a static busybox at /bin/busybox (Debian busybox-static).
/// </summary>
/// <summary>A QEMU machine to boot: emulator, fixed arguments, kernel, static busybox, console.</summary>
internal sealed record GuestMachine(string Name, string Qemu, string[] Fixed, string? Kernel, string Busybox, string Console, string HowToEnable)
{
    /// <summary>What is missing, or null when a guest can boot.</summary>
    public string? Missing
    {
        get
        {
            var missing = new List<string>();
            if (!File.Exists(Qemu)) missing.Add(Qemu);
            if (Kernel is null) missing.Add(Name + " kernel");
            if (!File.Exists(Busybox)) missing.Add(Busybox);
            foreach (var f in Fixed.Where(a => a.StartsWith('/'))) if (!File.Exists(f)) missing.Add(f);
            return missing.Count == 0 ? null : string.Join(", ", missing) + " missing";
        }
    }

    /// <summary>Fails (never skips) when the guest cannot boot: reached only in CI or when everything is there.</summary>
    public void Require()
    {
        if (Missing is { } m) Assert.Fail($"{m}: {HowToEnable}");
    }

    /// <summary>Debian's amd64 kernel on q35.</summary>
    public static GuestMachine X86 { get; } = new("x86-64", Guest.Qemu, ["-M", "q35", "-m", "512"], Guest.Kernel, Guest.Busybox, "ttyS0", Guest.HowToEnable);

    /// <summary>Where .ci/run unpacks Debian's arm64 kernel and busybox-static (override with APEIKIT_ARM64_ROOT).</summary>
    public static string Arm64Root => Environment.GetEnvironmentVariable("APEIKIT_ARM64_ROOT") is { Length: > 0 } r ? r : "/opt/apeikit-arm64";

    /// <summary>Debian's arm64 kernel (EFI stub Image) on virt with edk2.</summary>
    public static GuestMachine Arm64 { get; } = new("arm64", "/usr/bin/qemu-system-aarch64",
        ["-M", "virt", "-cpu", "cortex-a57", "-m", "2048", "-bios", "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"],
        Directory.Exists(Path.Combine(Arm64Root, "boot")) ? Directory.GetFiles(Path.Combine(Arm64Root, "boot"), "vmlinuz-*-arm64").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault() : null,
        Path.Combine(Arm64Root, "bin", "busybox"), "ttyAMA0",
        "the arm64 real-kernel test needs qemu-system-aarch64 (qemu-system-arm), /usr/share/qemu-efi-aarch64/QEMU_EFI.fd (qemu-efi-aarch64) and Debian's arm64 linux-image and busybox-static unpacked under " +
        "$APEIKIT_ARM64_ROOT (default /opt/apeikit-arm64; .ci/run does it); in CI (CI=true) it never skips");
}

internal static class Guest
{
    public const string Qemu = "/usr/bin/qemu-system-x86_64";
    public const string Busybox = "/bin/busybox";
    public const string HowToEnable =
        "the real-kernel tests need qemu-system-x86_64, a Debian amd64 kernel in /boot and a static busybox: " +
        "apt-get install qemu-system-x86 linux-image-amd64 busybox-static cpio (as .ci/run does); in CI (CI=true) they never skip";

    /// <summary>True when running in CI (then these tests must run, never skip).</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The newest /boot/vmlinuz-*-amd64, or null.</summary>
    public static string? Kernel => Directory.Exists("/boot")
        ? Directory.GetFiles("/boot", "vmlinuz-*-amd64").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault()
        : null;

    /// <summary>What is missing, or null when a guest can boot.</summary>
    public static string? Missing
    {
        get
        {
            var missing = new List<string>();
            if (!File.Exists(Qemu)) missing.Add(Qemu);
            if (Kernel is null) missing.Add("/boot/vmlinuz-*-amd64");
            if (!File.Exists(Busybox)) missing.Add(Busybox);
            return missing.Count == 0 ? null : string.Join(", ", missing) + " missing";
        }
    }

    /// <summary>Fails (never skips) when the guest cannot boot: reached only in CI or when everything is there.</summary>
    public static void Require() => GuestMachine.X86.Require();

    public const string DmesgBegin = "APEIKIT-DMESG-BEGIN", DmesgEnd = "APEIKIT-DMESG-END", Ready = "APEIKIT-READY";

    /// <summary>An uncompressed initramfs: static busybox and an /init that prints dmesg between markers, says READY, waits a little (for QMP) and powers off.</summary>
    public static byte[] Initramfs(string busybox = Busybox) => Initramfs(busybox, DefaultInit, []);

    /// <summary>
    /// An initramfs with <paramref name="init"/> as /init (a busybox sh script) and <paramref name="files"/> (path inside
    /// the initramfs, bytes) beside busybox: what the ERST/EINJ boots use for their own steps (a panic, pstore, debugfs, insmod).
    /// </summary>
    public static byte[] Initramfs(string busybox, string init, IEnumerable<(string Path, byte[] Bytes)> files)
    {
        var entries = new List<(string, byte[], uint)>
        {
            ("bin", [], CpioNewc.DirectoryMode),
            ("proc", [], CpioNewc.DirectoryMode),
            ("sys", [], CpioNewc.DirectoryMode),
            ("dev", [], CpioNewc.DirectoryMode),
            ("bin/busybox", File.ReadAllBytes(busybox), CpioNewc.Executable),
            ("init", Encoding.ASCII.GetBytes(init.Replace("\r", "", StringComparison.Ordinal)), CpioNewc.Executable),
        };
        foreach (var (path, bytes) in files) entries.Add((path, bytes, CpioNewc.Executable));
        return CpioNewc.Write(entries);
    }

    /// <summary>The default /init: dmesg between markers, READY, a pause for QMP, power off.</summary>
    public const string DefaultInit = """
            #!/bin/busybox sh
            /bin/busybox mount -t proc proc /proc
            echo APEIKIT-DMESG-BEGIN
            /bin/busybox dmesg
            echo APEIKIT-DMESG-END
            echo APEIKIT-READY
            /bin/busybox sleep 20
            /bin/busybox poweroff -f

            """;

    /// <summary>What a boot gave: the serial console, dmesg (between the markers), guest memory saved over QMP, how long it took.</summary>
    public sealed record Boot(string Console, string[] Dmesg, Dictionary<ulong, byte[]> Memory, TimeSpan Elapsed, bool TimedOut)
    {
        public string DmesgText => string.Join('\n', Dmesg);
    }

    /// <summary>
    /// Boots the guest with <paramref name="qemuArgs"/> and <paramref name="kernelArgs"/> (as <c>apeikit vm build</c> printed
    /// them) added to the fixed ones; when /init says READY, saves each range of <paramref name="save"/> from guest memory
    /// over QMP (pmemsave) and quits. Bounded by <paramref name="timeout"/> (QEMU is killed).
    /// </summary>
    public static Boot Run(string dir, IEnumerable<string> qemuArgs, IEnumerable<string> kernelArgs, IEnumerable<(ulong Address, int Size)>? save = null, int timeoutSeconds = 90)
        => Run(GuestMachine.X86, dir, qemuArgs, kernelArgs, save, [], timeoutSeconds);

    /// <summary>As above on <paramref name="machine"/>; <paramref name="initrdPrefix"/> goes in front of the initramfs (the arm64 ACPI table upgrade cpio).</summary>
    public static Boot Run(GuestMachine machine, string dir, IEnumerable<string> qemuArgs, IEnumerable<string> kernelArgs, IEnumerable<(ulong Address, int Size)>? save, byte[] initrdPrefix, int timeoutSeconds = 120)
        => RunWithInitrd(machine, dir, qemuArgs, kernelArgs, save, [.. initrdPrefix, .. Initramfs(machine.Busybox)], timeoutSeconds);

    /// <summary>As above with a whole initrd of the caller's (<see cref="Initramfs(string, string, IEnumerable{ValueTuple{string, byte[]}})"/>: its own /init and files).</summary>
    public static Boot RunWithInitrd(GuestMachine machine, string dir, IEnumerable<string> qemuArgs, IEnumerable<string> kernelArgs, IEnumerable<(ulong Address, int Size)>? save, byte[] initrdBytes, int timeoutSeconds = 90)
    {
        string initrd = Path.Combine(dir, "initramfs.cpio");
        File.WriteAllBytes(initrd, initrdBytes);
        string qmp = Path.Combine(dir, "qmp.sock");
        var psi = new ProcessStartInfo(machine.Qemu) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = dir };
        foreach (var a in (string[])[.. machine.Fixed, "-nographic", "-no-reboot", "-kernel", machine.Kernel!, "-initrd", initrd,
                     "-qmp", $"unix:{qmp},server=on,wait=off",
                     "-append", $"console={machine.Console} loglevel=1 panic=-1 " + string.Join(' ', kernelArgs)])
            psi.ArgumentList.Add(a);
        foreach (var a in qemuArgs) psi.ArgumentList.Add(a);
        var console = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sw = Stopwatch.StartNew();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (console) console.Append(e.Data.TrimEnd('\r')).Append('\n');
            if (e.Data.Contains(Ready, StringComparison.Ordinal)) ready.TrySetResult();
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (console) console.Append("qemu: ").Append(e.Data).Append('\n');
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var memory = new Dictionary<ulong, byte[]>();
        bool timedOut = false;
        var deadline = TimeSpan.FromSeconds(timeoutSeconds);
        try
        {
            var exited = p.WaitForExitAsync();
            int which = Task.WaitAny([ready.Task, exited], deadline);
            if (which == 0)
            {
                SaveAndQuit(qmp, dir, save ?? [], memory);
            }
            if (!p.WaitForExit((int)Math.Max(1000, (deadline - sw.Elapsed).TotalMilliseconds)))
            {
                timedOut = true;
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
            }
            p.WaitForExit(); // drains the output events
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
            }
        }
        string text;
        lock (console) text = console.ToString();
        var lines = text.Split('\n');
        int begin = Array.FindIndex(lines, l => l.Contains(DmesgBegin, StringComparison.Ordinal));
        int end = Array.FindIndex(lines, l => l.Contains(DmesgEnd, StringComparison.Ordinal));
        string[] dmesg = begin >= 0 && end > begin ? lines[(begin + 1)..end] : lines; // a panic prints to the console only
        return new Boot(text, dmesg, memory, sw.Elapsed, timedOut);
    }

    private static void SaveAndQuit(string socketPath, string dir, IEnumerable<(ulong Address, int Size)> save, Dictionary<ulong, byte[]> memory)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        reader.ReadLine(); // greeting
        Command(reader, writer, """{"execute":"qmp_capabilities"}""");
        int i = 0;
        foreach (var (address, size) in save)
        {
            string file = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"pmem{i++}.bin"));
            Command(reader, writer, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["execute"] = "pmemsave",
                ["arguments"] = new Dictionary<string, object> { ["val"] = address, ["size"] = size, ["filename"] = file },
            }));
            memory[address] = File.ReadAllBytes(file);
        }
        Command(reader, writer, """{"execute":"quit"}"""); // waits for QEMU to take it (closing at once can drop it)
    }

    private static void Command(StreamReader reader, StreamWriter writer, string json)
    {
        writer.WriteLine(json);
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains("\"event\"", StringComparison.Ordinal)) continue;
            if (line.Contains("\"error\"", StringComparison.Ordinal)) throw new InvalidOperationException("QMP: " + line);
            if (line.Contains("\"return\"", StringComparison.Ordinal)) return;
        }
        throw new InvalidOperationException("QMP: connection closed");
    }
}

/// <summary>A fact that needs a real arm64 guest: skipped locally when something is missing (saying how to enable it), never in CI.</summary>
internal sealed class RealKernelArm64FactAttribute : FactAttribute
{
    public RealKernelArm64FactAttribute()
    {
        if (GuestMachine.Arm64.Missing is { } m && !Guest.InCi) Skip = $"{m}: {GuestMachine.Arm64.HowToEnable}";
    }
}

/// <summary>A fact that needs a real guest: skipped locally when QEMU, the kernel or busybox are missing (saying how to enable it), never in CI.</summary>
internal sealed class RealKernelFactAttribute : FactAttribute
{
    public RealKernelFactAttribute()
    {
        if (Guest.Missing is { } m && !Guest.InCi) Skip = $"{m}: {Guest.HowToEnable}";
    }
}
