using System.Buffers.Binary;
using System.Globalization;
using ApeiKit.Cper;
using ApeiKit.Ghes;
using ApeiKit.Hest;

namespace ApeiKit.Cli;

/// <summary>What a <see cref="UnitKind.GhesRegionSource"/> unit's describer needs.</summary>
/// <param name="Source">The source (null for a unit that only reports <paramref name="Error"/> or a note).</param>
/// <param name="Memory">The region at its base address.</param>
/// <param name="Error">Why the HEST could not be read, or null.</param>
/// <param name="SharedWith">When the source's block is (or overlaps) an earlier source's: that source, whose object holds the decoded block.</param>
internal sealed record RegionSourceDetail(HestGhesSource? Source, ByteArrayPhysicalMemory Memory, ApeiContentException? Error, (GhesBlockSharing Sharing, HestGhesSource Owner)? SharedWith = null);

/// <summary>
/// <c>apeikit decode --hest HEST.bin --region hardware_errors.bin [--region-base 0x...]</c>: every GHES/GHESv2 source
/// of the HEST with its registers, read-ack state and current error status block read from the region, one unit per
/// source. Offsets of a source object are HEST offsets; offsets inside its block are region offsets.
/// </summary>
internal static class RegionInput
{
    /// <summary>Loads the pair; one unit per GHES source (or one unit reporting why the HEST cannot be read).</summary>
    /// <exception cref="CliUsageException">No base given and the HEST's addresses do not give one.</exception>
    public static GhesInput.Loaded Load(string hestPath, byte[] hest, string regionPath, byte[] region, string? regionBaseText)
    {
        ulong? baseAddress = regionBaseText is null ? null : RecordFiles.ParseAddress("--region-base", regionBaseText);
        string name = $"{hestPath} + {regionPath}";
        List<HestGhesSource> sources;
        try
        {
            sources = ErrorStatusRegionFromHest.ReadSources(hest);
        }
        catch (ApeiContentException e)
        {
            var memory = new ByteArrayPhysicalMemory(baseAddress ?? 0, region);
            return new(name, region, [new InputUnit(UnitKind.GhesRegionSource, 0, region.Length, "HEST") { Detail = new RegionSourceDetail(null, memory, e) }]);
        }
        if (baseAddress is null)
        {
            baseAddress = ErrorStatusRegionFromHest.InferBase(sources)
                ?? throw new CliUsageException($"{hestPath}: the HEST's register addresses do not give the region's base address ({(sources.Count == 0 ? "no GHES/GHESv2 sources" : "an address is 0 or not in system memory")}); give --region-base 0x....");
        }
        if (region.Length > 0 && baseAddress.Value + (ulong)region.Length - 1 < baseAddress.Value)
            throw new CliUsageException($"--region-base: a {region.Length}-byte region at 0x{baseAddress.Value:X} passes the end of the address space.");
        var mem = new ByteArrayPhysicalMemory(baseAddress.Value, region);
        if (sources.Count == 0)
            return new(name, region, [new InputUnit(UnitKind.GhesRegionSource, 0, region.Length, "HEST") { Detail = new RegionSourceDetail(null, mem, null) }]);
        // Blocks two sources share (a firmware bug: one register for 100 sources made a 6 KB HEST print 600 MB) are decoded once, at the first.
        var shared = ErrorStatusRegionFromHest.FindSharedBlocks(sources, mem);
        var units = new List<InputUnit>(sources.Count);
        for (int i = 0; i < sources.Count; i++)
        {
            var s = sources[i];
            (GhesBlockSharing, HestGhesSource)? with = shared.TryGetValue(i, out var sharing) ? (sharing, sources[sharing.Owner]) : null;
            units.Add(new InputUnit(UnitKind.GhesRegionSource, s.TableOffset, s.IsVersion2 ? 92 : 64,
                string.Create(CultureInfo.InvariantCulture, $"HEST {s.TypeName} source {s.Description.SourceId}")) { Detail = new RegionSourceDetail(s, mem, null, with) });
        }
        return new(name, region, units);
    }

    /// <summary>Describes one source: id, notification, registers, read-ack state, block address, and the block.</summary>
    public static void Describe(InputUnit unit, StructureVisitor visitor, CperDecodeOptions? options = null)
    {
        var d = (RegionSourceDetail)unit.Detail!;
        visitor.BeginObject(null, unit.Label, unit.Offset, unit.Length);
        if (d.Source is not { } s)
        {
            if (d.Error is { } e) visitor.Error(e);
            else visitor.Info("note", "Note", "the HEST has no GHES/GHESv2 sources");
            visitor.EndObject();
            return;
        }
        var mem = d.Memory;
        visitor.Info("sourceId", "Source ID", s.Description.SourceId);
        visitor.Info("type", "Type", s.TypeName);
        visitor.Info("notificationType", "Notification type", HestNames.NotificationTypes[(ulong)s.Notification] ?? FieldFormat.Unknown((byte)s.Notification));
        visitor.Info("regionBase", "Region base address", Hex(mem.BaseAddress));
        visitor.Info("errorBlockAddressRegister", "Error block address register", Hex(s.Description.ErrorBlockAddressRegister));
        if (s.Description.ReadAckRegister is { } ackAddress) visitor.Info("readAckRegister", "Read ack register", Hex(ackAddress));
        if (ErrorStatusRegionFromHest.CheckRegisters(s, mem.BaseAddress, mem.Bytes.Length) is { } registerError)
        {
            visitor.Error(registerError);
            visitor.EndObject();
            return;
        }
        if (s.GetReadAck() is { } ack)
        {
            var state = ack.GetState(mem);
            visitor.Info("readAck", "Read ack", state == ReadAckState.Acknowledged ? "acknowledged" : "pending");
            visitor.Info("readAckValue", "Read ack register value", Hex(ack.ReadAccess(mem)));
        }
        else
        {
            visitor.Info("readAck", "Read ack", "none (GHES v1)");
        }
        if (ErrorStatusRegionFromHest.CheckBlock(s, mem, out ulong blockAddress) is { } blockError)
        {
            visitor.Info("blockAddress", "Error status block address", Hex(blockAddress));
            visitor.Error(blockError);
            visitor.EndObject();
            return;
        }
        visitor.Info("blockAddress", "Error status block address", Hex(blockAddress));
        visitor.Info("errorStatusBlockLength", "Error status block length", s.Description.ErrorStatusBlockLength, "bytes");
        if (d.SharedWith is ({ } sharing, { } owner))
        {
            uint ownerId = owner.Description.SourceId;
            visitor.Info("sharedBlock", "Shared block", sharing.Kind switch
            {
                GhesSharingKind.SameRegister => string.Create(CultureInfo.InvariantCulture, $"error status address register shared with source {ownerId}, so is the block; decoded there (each GHES has its own: a firmware bug)"),
                GhesSharingKind.SameBlock => string.Create(CultureInfo.InvariantCulture, $"block shared with source {ownerId}; decoded there (each GHES has its own: a firmware bug)"),
                _ => string.Create(CultureInfo.InvariantCulture, $"block overlaps source {ownerId}'s block at {Hex(sharing.OwnerBlockAddress)}; decoded there (each GHES has its own: a firmware bug)"),
            });
            visitor.EndObject();
            return;
        }
        int offset = (int)(blockAddress - mem.BaseAddress);
        var block = mem.Bytes.AsSpan(offset, (int)s.Description.ErrorStatusBlockLength);
        bool empty = block.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(block) == 0;
        // An empty block's "State" line below says so in text; "record" stays a JSON member either way.
        if (empty) visitor.JsonOnly("record", "empty (Block Status is 0)");
        else visitor.Info("record", "Record", "present");
        ErrorStatusBlockDescriber.Describe(block, offset, new NamedObjectVisitor(visitor, "errorStatusBlock") { PreferBinaryTimestamps = visitor.PreferBinaryTimestamps }, "Error status block (region offsets)", s.Description.ErrorStatusBlockLength, options);
        visitor.EndObject();
    }

    private static string Hex(ulong value) => string.Create(CultureInfo.InvariantCulture, $"0x{value:X}");

    /// <summary>Passes everything through, giving the outermost object a JSON name (the block describer opens it nameless, as for array elements).</summary>
    private sealed class NamedObjectVisitor(StructureVisitor inner, string json) : ForwardingVisitor(inner)
    {
        private int _depth;

        public override void BeginObject(string? name, string label, long offset, long length)
            => base.BeginObject(_depth++ == 0 ? json : name, label, offset, length);

        public override void EndObject()
        {
            _depth--;
            Inner.EndObject();
        }

        public override void BeginArray(string name, string label, long offset, long length)
        {
            _depth++;
            Inner.BeginArray(name, label, offset, length);
        }

        public override void EndArray()
        {
            _depth--;
            Inner.EndArray();
        }

        // Whole layouts on to the inner visitor (its compiled JSON path); fields would reach it unchanged one by one too.
        protected override bool ForwardsLayouts => true;
    }
}
