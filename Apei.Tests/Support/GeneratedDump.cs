using ApeiKit.Cper.Generation;

namespace ApeiKit.Tests;

/// <summary>A dump of generated records (<see cref="CperDumpGenerator"/>, what <c>apeikit generate</c> writes) as bytes.</summary>
internal static class GeneratedDump
{
    /// <summary>About <paramref name="size"/> bytes of whole records from <paramref name="seed"/>.</summary>
    public static byte[] Bytes(long size, int seed, CperDumpGenerator.Mix mix = CperDumpGenerator.Mix.Mixed)
    {
        using var ms = new MemoryStream();
        CperDumpGenerator.Generate(ms, size, seed, mix);
        return ms.ToArray();
    }
}
