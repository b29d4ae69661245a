using ApeiKit.Fuzz;
using SharpFuzz;

// Usage:
//   ApeiKit.Fuzz TARGET [--warmup DIR]      AFL mode (run under afl-fuzz; reads one input from stdin otherwise)
//   ApeiKit.Fuzz TARGET --replay PATH...    runs every file (or every file in every folder) once, no AFL
//   ApeiKit.Fuzz --codecs                   lists the cper-section target's first-byte values
if (args is ["--codecs"])
{
    var codecs = ApeiKit.Cper.CperSections.Registered;
    for (int i = 0; i < codecs.Count; i++) Console.WriteLine($"{i} {codecs[i].SectionType} {codecs[i].Name}");
    Console.WriteLine($"{codecs.Count} (no codec: raw)");
    return 0;
}
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: ApeiKit.Fuzz TARGET [--warmup DIR | --replay PATH...]; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}
string target = args[0];

if (args.Length > 1 && args[1] == "--replay")
{
    AttachScratchTraceMap(); // replaying an instrumented build outside afl-fuzz
    var files = args.Skip(2).SelectMany<string, string>(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal) : [p]).ToList();
    Warmup(target, files);
    int failed = 0;
    foreach (var file in files)
    {
        try
        {
            FuzzTargets.Run(target, File.ReadAllBytes(file));
        }
#pragma warning disable CA1031 // report every failure of a replay, then exit non-zero
        catch (Exception e)
#pragma warning restore CA1031
        {
            failed++;
            Console.Error.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("FUZZ_VERBOSE") == "1") Console.Error.WriteLine(e.StackTrace);
        }
    }
    Console.WriteLine($"{target}: {files.Count - failed} passed, {failed} failed");
    return failed == 0 ? 0 : 1;
}

// Under afl-fuzz, SharpFuzz runs this program twice: a fork server (which never calls the target) and a client that
// runs the inputs (started with __SHARPFUZZ_CTL set). Only the client needs warming up.
bool aflServer = Environment.GetEnvironmentVariable("__AFL_SHM_ID") is not null && Environment.GetEnvironmentVariable("__SHARPFUZZ_CTL") is null;
if (args.Length > 2 && args[1] == "--warmup" && Directory.Exists(args[2]) && !aflServer)
    Warmup(target, Directory.GetFiles(args[2]));

Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    FuzzTargets.Run(target, memory.GetBuffer().AsSpan(0, (int)memory.Length));
});
return 0;

// Instrumented code writes edge counts into SharpFuzz's trace map; outside Fuzzer.Run nothing has attached one.
static unsafe void AttachScratchTraceMap()
{
    if (SharpFuzz.Common.Trace.SharedMem == null)
        SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
}

// Runs each input once without allocation budgets, so static initialisers (layout tables, JSON encoders) are
// not charged to the first input that reaches them. Failures here are reported again by the real run.
static unsafe void Warmup(string target, IEnumerable<string> files)
{
    // Instrumented assemblies count edges in SharpFuzz's trace map, which is only attached to AFL's shared memory
    // inside Fuzzer.Run; until then point it at a scratch map (the client attaches the real one afterwards).
    byte* scratch = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
    byte* previous = SharpFuzz.Common.Trace.SharedMem;
    if (previous == null) SharpFuzz.Common.Trace.SharedMem = scratch;
    FuzzTargets.CheckAllocations = false;
    foreach (var file in files)
    {
        try
        {
            FuzzTargets.Run(target, File.ReadAllBytes(file));
        }
#pragma warning disable CA1031
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
    FuzzTargets.CheckAllocations = true;
    SharpFuzz.Common.Trace.SharedMem = previous;
    SharpFuzz.Common.Trace.PrevLocation = 0;
    System.Runtime.InteropServices.NativeMemory.Free(scratch);
}
