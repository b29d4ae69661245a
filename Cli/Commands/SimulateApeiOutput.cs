using System.Globalization;
using System.Text.Json;
using ApeiKit.Platform;
using ApeiKit.Text;

namespace ApeiKit.Cli;

/// <summary>The EINJ/ERST/BERT part of <c>apeikit simulate</c>'s output, for scenarios that use them.</summary>
internal static class SimulateApeiOutput
{
    private static string Hex(ulong v) => string.Create(CultureInfo.InvariantCulture, $"0x{v:X}");

    public static void WriteText(TextWriter o, PlatformApei apei)
    {
        o.WriteLine("EINJ injections (host, through the einj debugfs interface):");
        if (apei.Injections.Count == 0) o.WriteLine("  none");
        foreach (var i in apei.Injections)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Printable.Value(i.StepId, 40),-16} {PlatformTrace.FormatTime(i.TimeUs),9}  0x{i.Type:X} {EinjInjector.Name((uint)i.Type),-32} {(i.Errno == 0 ? "injected" : "-" + Errno.Name(i.Errno) + ": " + Printable.Escape(i.Why ?? ""))}"));
        }
        var view = apei.Store.View;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ERST store: {view.RecordCount} record(s) live; written by the host: {(apei.RecordsWritten.Count == 0 ? "none" : string.Join(", ", apei.RecordsWritten.Select(Hex)))}; "
            + $"read back after a boot: {(apei.RecordsRead.Count == 0 ? "none" : string.Join(", ", apei.RecordsRead.Select(r => $"{Hex(r.RecordId)} (boot {r.Boot})")))}"));
        o.WriteLine(apei.Bert is { } bert
            ? string.Create(CultureInfo.InvariantCulture, $"BERT at the last boot ({apei.Boots} boots): {bert.Region.Length}-byte boot error region at 0x{bert.RegionAddress:X}")
            : string.Create(CultureInfo.InvariantCulture, $"BERT at the last boot ({apei.Boots} boots): none (ERST held no record)"));
    }

    public static void WriteJson(Utf8JsonWriter w, PlatformApei apei)
    {
        w.WriteStartObject("apei");
        w.WriteNumber("boots", apei.Boots);
        w.WriteStartArray("einj");
        foreach (var i in apei.Injections)
        {
            w.WriteStartObject();
            w.WriteString("id", i.StepId);
            w.WriteNumber("atUs", i.TimeUs);
            w.WriteString("type", string.Create(CultureInfo.InvariantCulture, $"0x{i.Type:X}"));
            w.WriteString("typeName", EinjInjector.Name((uint)i.Type));
            w.WriteString("result", i.Errno == 0 ? "injected" : Errno.Name(i.Errno));
            if (i.Why is not null) w.WriteString("why", i.Why);
            w.WriteStrings("actions", i.Steps.Select(s => s.ToString()));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        var view = apei.Store.View;
        w.WriteStartObject("erst");
        w.WriteNumber("recordCount", view.RecordCount);
        w.WriteStartArray("liveRecordIds");
        for (int i = view.FirstRecordSlot; i < view.SlotCount; i++)
            if (view.MapEntry(i) != 0) w.WriteStringValue(Hex(view.MapEntry(i)));
        w.WriteEndArray();
        w.WriteStrings("written", apei.RecordsWritten.Select(id => Hex(id)));
        w.WriteStartArray("readAfterBoot");
        foreach (var r in apei.RecordsRead)
        {
            w.WriteStartObject();
            w.WriteString("recordId", Hex(r.RecordId));
            w.WriteNumber("boot", r.Boot);
            w.WriteNumber("length", r.Bytes.Length);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        if (apei.Bert is { } bert)
        {
            w.WriteStartObject("bert");
            w.WriteString("regionAddress", Hex(bert.RegionAddress));
            w.WriteNumber("regionLength", bert.Region.Length);
            w.WriteString("region", Convert.ToHexStringLower(bert.Region));
            w.WriteEndObject();
        }
        else w.WriteNull("bert");
        w.WriteEndObject();
    }
}
