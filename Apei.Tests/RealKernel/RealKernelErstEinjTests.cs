using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using ApeiKit.Ghes;
using ApeiKit.Hest;
using ApeiKit.Tests.Cli;
using Xunit.Abstractions;

namespace ApeiKit.Tests.RealKernel;

/// <summary>
/// Issue #14 part 5: ERST and EINJ in front of a real Linux guest (Debian's amd64 kernel under qemu-system-x86_64, TCG).
/// Three boots: two with QEMU's own acpi-erst device (a panic writes pstore records, the next boot lists them), one with
/// ApeiKit-built ERST and EINJ tables over register memory ApeiKit preloads (no QEMU device). docs/erst-einj.md says what
/// each proves.
/// </summary>
public sealed class RealKernelErstEinjTests(ITestOutputHelper output)
{
    private const string PstoreFile = "APEIKIT-PSTORE-FILE", PstoreEnd = "APEIKIT-PSTORE-END";

    private static string Tail(Guest.Boot boot) => string.Join('\n', boot.Console.Split('\n').TakeLast(40));

    /// <summary>Lines between two markers of the console (exclusive), or null when the first marker is missing.</summary>
    internal static List<string>? Between(string console, string begin, string end)
    {
        var lines = console.Split('\n');
        // A marker can follow terminal escapes the firmware left on the same console line: match the line's end.
        int b = Array.FindIndex(lines, l => l.TrimEnd().EndsWith(begin, StringComparison.Ordinal));
        if (b < 0) return null;
        int e = Array.FindIndex(lines, b + 1, l => l.TrimEnd().EndsWith(end, StringComparison.Ordinal));
        return lines[(b + 1)..(e < 0 ? lines.Length : e)].Select(l => l.TrimEnd('\r')).ToList();
    }

    [RealKernelFact]
    public void A_panic_writes_pstore_records_to_qemus_erst_and_apeikit_reads_back_what_the_next_boot_lists()
    {
        Guest.Require();
        string dir = Directory.CreateTempSubdirectory("apeikit-erst-pstore-").FullName;
        try
        {
            string[] device = ["-object", "memory-backend-file,id=erstnvram,mem-path=erst.backing,size=0x10000,share=on", "-device", "acpi-erst,memdev=erstnvram"];
            // Boot 1: a panic from /init (sysrq c); pstore's erst backend writes the kernel log into ERST before the guest stops.
            const string panicInit = """
                #!/bin/busybox sh
                /bin/busybox mount -t proc proc /proc
                echo APEIKIT-DMESG-BEGIN
                /bin/busybox dmesg
                echo APEIKIT-DMESG-END
                echo c > /proc/sysrq-trigger

                """;
            var first = Guest.RunWithInitrd(GuestMachine.X86, dir, device, [], null, Guest.Initramfs(Guest.Busybox, panicInit, []));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"boot 1 (panic) took {first.Elapsed.TotalSeconds:F1} s"));
            Assert.False(first.TimedOut, Tail(first));
            Assert.Contains(first.Dmesg, l => l.EndsWith("ERST: Error Record Serialization Table (ERST) support is initialized.", StringComparison.Ordinal));
            Assert.Contains(first.Dmesg, l => l.EndsWith("pstore: Registered erst as persistent store backend", StringComparison.Ordinal));
            Assert.True(first.Console.Contains("Kernel panic - not syncing: sysrq triggered crash", StringComparison.Ordinal), Tail(first));
            byte[] afterPanic = File.ReadAllBytes(Path.Combine(dir, "erst.backing"));

            // Boot 2, same backing file: pstore lists what the erst backend reads back; every file printed in base64.
            const string listInit = """
                #!/bin/busybox sh
                /bin/busybox mount -t proc proc /proc
                /bin/busybox mount -t sysfs sysfs /sys
                /bin/busybox mkdir -p /pstore
                /bin/busybox mount -t pstore pstore /pstore
                echo APEIKIT-DMESG-BEGIN
                /bin/busybox dmesg
                echo APEIKIT-DMESG-END
                for f in /pstore/*; do
                  [ -f "$f" ] || continue
                  echo "APEIKIT-PSTORE-FILE ${f#/pstore/} $(/bin/busybox stat -c %s "$f")"
                  /bin/busybox base64 "$f"
                  echo APEIKIT-PSTORE-END
                done
                echo APEIKIT-READY
                /bin/busybox sleep 20
                /bin/busybox poweroff -f

                """;
            var second = Guest.RunWithInitrd(GuestMachine.X86, dir, device, [], null, Guest.Initramfs(Guest.Busybox, listInit, []));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"boot 2 (pstore) took {second.Elapsed.TotalSeconds:F1} s"));
            Assert.False(second.TimedOut, Tail(second));
            var listed = ParsePstoreFiles(second.Console);
            Assert.True(listed.Count > 0, "the guest listed no pstore files:\n" + Tail(second));

            // ApeiKit's store reader on the backing file as the panic left it (boot 2 only read it: mounting pstore does not clear).
            var decode = CliRunner.Run("decode", "-f", "json", Path.Combine(dir, "erst.backing"));
            Assert.True(decode.ExitCode == 0, decode.Error);
            Assert.Equal(afterPanic, File.ReadAllBytes(Path.Combine(dir, "erst.backing")));
            using var doc = JsonDocument.Parse(decode.Out);
            var store = doc.RootElement;
            var live = store.GetProperty("slots").EnumerateArray().Where(s => s.GetProperty("state").GetString() == "live").ToList();
            Assert.Equal((int)store.GetProperty("header").GetProperty("recordCount").GetUInt32(), live.Count);
            Assert.Equal(listed.Count, live.Count);
            var view = ErstStoreView.Read(afterPanic);
            Assert.Equal((uint)listed.Count, view.RecordCount);

            foreach (var slot in live)
            {
                ulong id = slot.GetProperty("records")[0].GetProperty("header").GetProperty("recordId").GetUInt64();
                Assert.Equal(id, ulong.Parse(slot.GetProperty("mapEntry").GetString()![2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                // Linux names pstore files <type>-<backend>-<record id> (fs/pstore/inode.c).
                string name = "dmesg-erst-" + id.ToString(CultureInfo.InvariantCulture);
                Assert.True(listed.ContainsKey(name), $"record {id} is in ERST but the guest listed {string.Join(", ", listed.Keys)}");
                var section = Assert.Single(slot.GetProperty("pstore").GetProperty("sections").EnumerateArray());
                string text = section.GetProperty("text").GetString()!;
                byte[] guestBytes = listed[name];
                Assert.Equal(Pstore.Text(guestBytes), text);
                Assert.Equal(guestBytes.Length, section.GetProperty("inflatedLength").GetInt32());
                Assert.StartsWith("Panic#1 Part", text, StringComparison.Ordinal);
                output.WriteLine($"{name}: {guestBytes.Length} bytes of kernel log, equal to ApeiKit's inflated DMESG_Z section");
            }
            // The last part holds the panic itself.
            Assert.Contains(live, s => s.GetProperty("pstore").GetProperty("sections")[0].GetProperty("text").GetString()!.Contains("Kernel panic - not syncing: sysrq triggered crash", StringComparison.Ordinal));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The files the listing /init printed: name → content (base64 between markers, its size checked).</summary>
    internal static Dictionary<string, byte[]> ParsePstoreFiles(string console)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var lines = console.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(PstoreFile + " ", StringComparison.Ordinal)) continue;
            var parts = lines[i].Trim().Split(' ');
            var b64 = new StringBuilder();
            int j = i + 1;
            for (; j < lines.Length && lines[j].Trim() != PstoreEnd; j++) b64.Append(lines[j].Trim());
            byte[] bytes = Convert.FromBase64String(b64.ToString());
            Assert.Equal(int.Parse(parts[2], CultureInfo.InvariantCulture), bytes.Length);
            files[parts[1]] = bytes;
            i = j;
        }
        return files;
    }

    // CXL.cache correctable (bit 12) on top of vm erst-einj's default: ApeiKit offers it, Linux 6.1 does not list it.
    private const uint EinjTypes = 0x00001A5A;

    [RealKernelFact]
    public void ApeiKit_built_erst_and_einj_tables_over_apeikit_register_memory_load_in_the_guest_and_report_what_they_say()
    {
        Guest.Require();
        string dir = Directory.CreateTempSubdirectory("apeikit-erst-einj-").FullName;
        try
        {
            // Exactly what `apeikit vm erst-einj` writes and prints.
            var vm = CliRunner.Run("vm", "erst-einj", "-o", dir, "--einj-types", "0x" + EinjTypes.ToString("X", CultureInfo.InvariantCulture), "-f", "json");
            Assert.True(vm.ExitCode == 0, vm.Error);
            Assert.DoesNotContain("check:", vm.Error, StringComparison.Ordinal); // both tables pass ApeiKit's own checks
            using var launch = JsonDocument.Parse(vm.Out);
            var root = launch.RootElement;
            ulong logBase = KernelExpectations.U(root.GetProperty("erst").GetProperty("errorLogAddress"));
            ulong logLength = KernelExpectations.U(root.GetProperty("erst").GetProperty("errorLogLength"));
            // The spec it wrote rebuilds the same ERST through `apeikit erst build`.
            string rebuilt = Path.Combine(dir, "rebuilt.aml");
            Assert.Equal(0, CliRunner.Run("erst", "build", root.GetProperty("erst").GetProperty("spec").GetString()!, "-o", rebuilt).ExitCode);
            Assert.Equal(File.ReadAllBytes(root.GetProperty("erst").GetProperty("path").GetString()!), File.ReadAllBytes(rebuilt));

            string module = EinjModule();
            const string init = """
                #!/bin/busybox sh
                /bin/busybox mount -t proc proc /proc
                /bin/busybox mount -t sysfs sysfs /sys
                [ -f /einj.ko.xz ] && /bin/busybox unxz /einj.ko.xz
                /bin/busybox insmod /einj.ko
                echo APEIKIT-INSMOD-RC $?
                /bin/busybox mount -t debugfs debugfs /sys/kernel/debug
                /bin/busybox mkdir -p /pstore
                /bin/busybox mount -t pstore pstore /pstore
                echo APEIKIT-DMESG-BEGIN
                /bin/busybox dmesg
                echo APEIKIT-DMESG-END
                echo APEIKIT-IOMEM-BEGIN
                /bin/busybox cat /proc/iomem
                echo APEIKIT-IOMEM-END
                echo APEIKIT-EINJ-BEGIN
                /bin/busybox cat /sys/kernel/debug/apei/einj/available_error_type
                echo APEIKIT-EINJ-END
                echo APEIKIT-PSTORE-BEGIN
                /bin/busybox ls /pstore
                echo APEIKIT-PSTORE-LIST-END
                echo APEIKIT-READY
                /bin/busybox sleep 20
                /bin/busybox poweroff -f

                """;
            var boot = Guest.RunWithInitrd(GuestMachine.X86, dir,
                root.GetProperty("qemuArguments").EnumerateArray().Select(a => a.GetString()!),
                root.GetProperty("kernelArguments").EnumerateArray().Select(a => a.GetString()!), null,
                Guest.Initramfs(Guest.Busybox, init, [(Path.GetFileName(module), File.ReadAllBytes(module))]));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"boot took {boot.Elapsed.TotalSeconds:F1} s"));
            Assert.False(boot.TimedOut, Tail(boot));
            string dmesg = boot.DmesgText;

            // ERST: the driver took the table, read the error log address range from the registers, and pstore uses it.
            Assert.True(dmesg.Contains("ERST: Error Record Serialization Table (ERST) support is initialized.", StringComparison.Ordinal), dmesg);
            Assert.True(dmesg.Contains("pstore: Registered erst as persistent store backend", StringComparison.Ordinal), dmesg);
            var iomem = Between(boot.Console, "APEIKIT-IOMEM-BEGIN", "APEIKIT-IOMEM-END") ?? [];
            string range = $"{logBase:x8}-{logBase + logLength - 1:x8} : APEI ERST";
            Assert.True(iomem.Exists(l => l.Trim() == range), $"/proc/iomem has no '{range}':\n" + string.Join('\n', iomem));
            var pstore = Between(boot.Console, "APEIKIT-PSTORE-BEGIN", "APEIKIT-PSTORE-LIST-END") ?? ["(no listing)"];
            Assert.DoesNotContain(pstore, l => l.Trim().Length > 0); // GET_RECORD_IDENTIFIER answers "no record"

            // EINJ: the module loads against the table and lists exactly the types the GET_ERROR_TYPE register holds.
            Assert.True(boot.Console.Split('\n').Any(l => l.TrimEnd().EndsWith("APEIKIT-INSMOD-RC 0", StringComparison.Ordinal)), "insmod einj.ko failed:\n" + Tail(boot));
            Assert.True(dmesg.Contains("EINJ: Error INJection is initialized.", StringComparison.Ordinal), dmesg);
            var types = (Between(boot.Console, "APEIKIT-EINJ-BEGIN", "APEIKIT-EINJ-END") ?? []).Where(l => l.Trim().Length > 0).ToList();
            var listedBits = new List<int>();
            foreach (var line in types)
            {
                var parts = line.Split('\t', 2);
                Assert.True(parts.Length == 2, "unexpected available_error_type line: " + line);
                uint bit = uint.Parse(parts[0].Trim()[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                Assert.True(BitOperations.IsPow2(bit), line);
                int index = BitOperations.Log2(bit);
                listedBits.Add(index);
                // The kernel's name and ApeiKit's are the same words ("Memory Uncorrectable non-fatal" / memoryUncorrectableNonFatal).
                string apeikit = Assert.Single(EinjStructures.NameErrorTypes(bit));
                Assert.Equal(Words(apeikit), Words(parts[1]));
            }
            // Linux 6.1's einj lists the ACPI 6.5 types it names (bits 0-11); CXL types (bits 12-17) came with later kernels.
            var expected = Enumerable.Range(0, 12).Where(b => (EinjTypes >> b & 1) != 0).ToList();
            Assert.Equal(expected, listedBits);
            output.WriteLine("available_error_type:\n" + string.Join('\n', types));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Letters and digits, lower case; the kernel's "PCI Express" is ApeiKit's "pcie".</summary>
    private static string Words(string s) => new string(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray()).Replace("pciexpress", "pcie", StringComparison.Ordinal);

    /// <summary>
    /// einj.ko of the guest kernel (Debian builds it as a module, CONFIG_ACPI_APEI_EINJ=m, with no dependencies: modules.dep
    /// lists none); a compressed einj.ko.xz is unpacked in the guest by busybox's unxz.
    /// </summary>
    private static string EinjModule()
    {
        string version = Path.GetFileName(Guest.Kernel!)["vmlinuz-".Length..];
        string dir = Path.Combine("/lib/modules", version, "kernel/drivers/acpi/apei");
        string ko = Path.Combine(dir, "einj.ko");
        if (!File.Exists(ko) && File.Exists(ko + ".xz")) return ko + ".xz";
        Assert.True(File.Exists(ko), $"{ko} missing: it comes with the guest kernel's linux-image package ({Guest.HowToEnable})");
        return ko;
    }
}
