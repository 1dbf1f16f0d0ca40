// docxtemplater (with pizzip) doing clasm batch's job: for each prepared
// deal (prepare.py's data/<deal>.json) fill the derived template and write
// OUTDIR/<deal>.docx, deflated. The template is read once. Prints one line
// per document, "<seconds> <output>", the time that document took (reading
// its data, rendering, compressing, writing).
// usage: node peer_docxtemplater.js TEMPLATE OUTDIR DATA.json...
"use strict";
const fs = require("fs");
const path = require("path");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");

const [tplPath, outDir, ...inputs] = process.argv.slice(2);
const template = fs.readFileSync(tplPath);
const lines = [];
for (const input of inputs) {
  const t0 = process.hrtime.bigint();
  const data = JSON.parse(fs.readFileSync(input, "utf8"));
  const doc = new Docxtemplater(new PizZip(template), {
    paragraphLoop: true,
    linebreaks: false,
    delimiters: { start: "{{", end: "}}" },
  });
  doc.render(data);
  const buf = doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
  const out = path.join(outDir, path.basename(input, ".json") + ".docx");
  fs.writeFileSync(out + ".tmp", buf);
  fs.renameSync(out + ".tmp", out);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lines.push(secs.toFixed(6) + " " + out);
}
process.stdout.write(lines.join("\n") + (lines.length ? "\n" : ""));
