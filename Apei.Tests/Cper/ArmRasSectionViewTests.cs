using System.Globalization;
using System.Text.Json;
using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The ARM RAS views (node header, syndromes, auxiliary data, contexts, registers, key/value pairs, IP instance by format)
/// read in place from libcper's example record and held against the JSON libcper itself produced for it
/// (fixtures/cper/libcper/arm-ras.json, its own output, not ours). The model and the describer's walk are held to the same
/// views on every fixture and on random bodies by the "ARM RAS" row of <see cref="GeneratedLayoutTests"/>.
/// </summary>
public sealed class ArmRasSectionViewTests
{
    private static ulong Hex(JsonElement e) => ulong.Parse(e.GetString()!.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public void Views_read_what_libcper_reads()
    {
        var (body, s) = LibcperExample.FirstSection("cper/libcper/arm-ras", "ArmRas");

        Assert.True(ArmRasSectionView.TryRead(body, out var v));
        Assert.True(v.PartsFit);
        Assert.Equal(s.GetProperty("revision").GetUInt32(), v.Revision);
        Assert.Equal(s.GetProperty("componentType").GetProperty("raw").GetByte(), v.ComponentType);
        Assert.Equal(s.GetProperty("errorSyndromeArrayNumEntries").GetUInt32(), v.ErrorSyndromeCount);
        Assert.Equal(s.GetProperty("ipInstanceFormat").GetProperty("raw").GetByte(), v.IpInstanceFormat);
        Assert.Equal(s.GetProperty("ipTypeFormat").GetProperty("raw").GetByte(), v.IpTypeFormat);
        // Format 1 (DEN0085): the IP instance is a system physical address.
        Assert.Equal(1, v.IpInstanceFormat);
        Assert.True(ArmRasSystemAddressInstanceView.TryRead(v.IpInstance, out var instance));
        Assert.Equal(Hex(s.GetProperty("ipInstance").GetProperty("systemPhysicalAddress")), instance.SystemPhysicalAddress);
        Assert.Equal(s.GetProperty("userData").GetString(), AsciiField.Decode(v.UserData));

        var syndromes = s.GetProperty("errorSyndromes");
        Assert.Equal(syndromes.GetArrayLength(), v.SyndromeCount);
        int i = 0;
        foreach (var syndrome in v.Syndromes)
        {
            var e = syndromes[i++];
            Assert.Equal(e.GetProperty("errorRecordIndex").GetUInt32(), syndrome.ErrorRecordIndex);
            Assert.Equal(e.GetProperty("rasExtensionRevisionField").GetUInt32(), (uint)syndrome.RasExtension >> 4);
            Assert.Equal(e.GetProperty("rasExtensionArchVersion").GetUInt32(), syndrome.RasExtension & 0xFu);
            Assert.Equal(Hex(e.GetProperty("errorRecordFeatureRegister")), syndrome.ErrFr);
            Assert.Equal(Hex(e.GetProperty("errorRecordControlRegister")), syndrome.ErrCtlr);
            Assert.Equal(Hex(e.GetProperty("errorRecordPrimaryStatusRegister")), syndrome.ErrStatus);
            Assert.Equal(Hex(e.GetProperty("errorRecordAddressRegister")), syndrome.ErrAddr);
            Assert.Equal(Hex(e.GetProperty("errorRecordMiscRegister0")), syndrome.ErrMisc0);
            Assert.Equal(Hex(e.GetProperty("errorRecordMiscRegister1")), syndrome.ErrMisc1);
            // libcper prints MISC2/MISC3 only for a non-zero RAS extension byte (docs/libcper-compat.md).
            Assert.Equal(syndrome.RasExtension != 0, e.TryGetProperty("errorRecordMiscRegister2", out var misc2));
            if (syndrome.RasExtension != 0)
            {
                Assert.Equal(Hex(misc2), syndrome.ErrMisc2);
                Assert.Equal(Hex(e.GetProperty("errorRecordMiscRegister3")), syndrome.ErrMisc3);
            }
        }
        Assert.Equal(syndromes.GetArrayLength(), i);

        var aux = s.GetProperty("auxData");
        Assert.True(v.HasAuxiliaryData);
        var a = v.AuxiliaryData;
        Assert.Equal(aux.GetProperty("version").GetByte(), a.Version);
        var contexts = aux.GetProperty("contexts");
        Assert.Equal(contexts.GetArrayLength(), (int)a.ContextCount);
        int k = 0;
        foreach (var context in a.Contexts)
        {
            var e = contexts[k++];
            bool local = e.GetProperty("flags").GetProperty("addressSpaceIdentifierScope").GetString() == "LocalAddressSpace";
            Assert.Equal(local, (context.Flags & 1) != 0);
            // libcper shows the identifier only for local scope.
            Assert.Equal(local, e.TryGetProperty("addressSpaceIdentifier", out var asid));
            if (local) Assert.Equal(asid.GetUInt16(), context.AddressSpaceIdentifier);
            var registers = e.GetProperty("registers");
            Assert.Equal(registers.GetArrayLength(), context.RegisterCountInBody);
            int r = 0;
            foreach (var register in context.Registers)
            {
                Assert.Equal(Hex(registers[r].GetProperty("address")), register.Address);
                Assert.Equal(Hex(registers[r].GetProperty("value")), register.Value);
                r++;
            }
            Assert.Equal(registers.GetArrayLength(), r);
        }
        Assert.Equal(contexts.GetArrayLength(), k);
        var pairs = aux.GetProperty("keyValuePairs");
        Assert.Equal(pairs.GetArrayLength(), a.PairCount);
        int n = 0;
        foreach (var pair in a.Pairs)
        {
            Assert.Equal(Guid.Parse(pairs[n].GetProperty("key").GetString()!), pair.Key);
            Assert.Equal(Hex(pairs[n].GetProperty("value")), pair.Value);
            n++;
        }
        Assert.Equal(pairs.GetArrayLength(), n);
    }

    [Fact]
    public void Offsets_that_do_not_fit_enumerate_nothing()
    {
        var body = LibcperExample.FirstBody("cper/libcper/arm-ras");
        var count = ArmRasSection.LayoutDef.Find("errorSyndromeCount")!;
        count.WriteValue(body, 1000);
        Assert.True(ArmRasSectionView.TryRead(body, out var v));
        Assert.False(v.PartsFit);
        Assert.Equal(0, v.SyndromeCount);
        Assert.False(v.HasAuxiliaryData);
        Assert.Throws<ApeiContentException>(() => ArmRasSection.Decode(body));
        Assert.Equal(1000u, v.ErrorSyndromeCount); // the header still reads
        Assert.False(ArmRasSectionView.TryRead(body.AsSpan(0, 79), out var shortView) && shortView.PartsFit);
    }
}

#if DEBUG
/// <summary>The ARM RAS readers' walk counts (Debug-build counters, so it runs alone: no other test walks beside it).</summary>
[Collection(ApeiKit.Tests.Platform.BoundedCostTests.Name)]
public sealed class ArmRasWalkCountTests
{
    /// <summary>
    /// Reading a node costs a constant number of walks of its auxiliary data whatever it holds: each walk visits every
    /// context, so a walk per syndrome or per pair made a record with N contexts and N pairs cost ~N² context visits.
    /// Enumerated: the enumerators once re-measured for each Current. By index: a syndrome needs only the node's offsets
    /// (no walk), and the auxiliary data view the section view gives keeps the walk it measured; each <c>GetSyndrome(i)</c>
    /// and <c>GetPair(i)</c> once walked every context again, and each <c>GetSyndrome(i)</c> once measured the node again
    /// (the section view now keeps the node it measured when read). Counted (Debug builds count <c>Measure</c> and <c>Walk</c>
    /// calls), not timed.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reading_a_node_walks_its_auxiliary_data_a_constant_number_of_times(bool byIndex)
    {
        Assert.Equal(Cost(1, byIndex), Cost(16, byIndex));

        static (int Measures, int Walks) Cost(int n, bool byIndex)
        {
            var aux = new ArmRasAuxiliaryData { Version = 1 };
            var s = new ArmRasSection { Revision = 1, AuxiliaryData = aux };
            for (int i = 0; i < n; i++)
            {
                s.Syndromes.Add(new ArmRasSyndrome { ErrorRecordIndex = (uint)i });
                aux.Contexts.Add(new ArmRasContext());
                aux.Pairs.Add((new Guid(i + 1, 0, 0, new byte[8]), (ulong)i));
            }
            byte[] body = s.Encode();
            ArmRasSection.MeasureCalls = ArmRasAuxiliaryData.WalkCalls = 0;
            Assert.True(ArmRasSectionView.TryRead(body, out var v));
            if (byIndex) ReadByIndex(v, n);
            else ReadEnumerated(v, body, n);
            // By index too: the view measures the node once when read and keeps it (GetSyndrome(i) once measured it again
            // each call, 5 measures for 1 syndrome and 35 for 16).
            return (ArmRasSection.MeasureCalls, ArmRasAuxiliaryData.WalkCalls);
        }
    }

    private static void ReadByIndex(ArmRasSectionView v, int n)
    {
        for (int i = 0; i < v.SyndromeCount; i++) Assert.Equal((uint)i, v.GetSyndrome(i).ErrorRecordIndex);
        var a = v.AuxiliaryData;
        for (int i = 0; i < a.PairCount; i++) Assert.Equal((ulong)i, a.GetPair(i).Value);
        Assert.Equal(n, v.SyndromeCount);
        Assert.Equal(n, a.PairCount);
    }

    private static void ReadEnumerated(ArmRasSectionView v, byte[] body, int n)
    {
        int syndromes = 0, contexts = 0, pairs = 0;
        foreach (var d in v.Syndromes) syndromes += d.Bytes.Length > 0 ? 1 : 0;
        var a = v.AuxiliaryData;
        foreach (var c in a.Contexts) contexts += c.RegisterCountInBody + 1;
        foreach (var p in a.Pairs) pairs += p.Key != Guid.Empty ? 1 : 0;
        Assert.Equal((n, n, n), (syndromes, contexts, pairs));
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var w = new ApeiKit.Cper.LibCper.LcWriter();
        w.Reset(output);
        Assert.True(new ApeiKit.Cper.LibCper.LcArmRas().TryWrite(w, body));
        w.Flush();
        Assert.Equal(n, JsonDocument.Parse(output.WrittenMemory).RootElement.GetProperty("ArmRas").GetProperty("auxData").GetProperty("keyValuePairs").GetArrayLength());
    }
}
#endif
