// Converts YAML files to JSON the way an editor's YAML language server reads
// them (YAML 1.2 core schema: a date stays a string), so ajv validates what
// the user wrote. usage: node yaml2json.js OUTDIR FILE.yaml...
"use strict";
const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
let failed = 0;
files.forEach((file, i) => {
  try {
    const data = yaml.load(fs.readFileSync(file, "utf8"), { schema: yaml.CORE_SCHEMA });
    const name = `${String(i).padStart(4, "0")}-${path.basename(file, path.extname(file))}.json`;
    fs.writeFileSync(path.join(outDir, name), JSON.stringify(data === undefined ? null : data));
  } catch (e) {
    console.error(`${file}: not YAML: ${e.message}`);
    failed = 1;
  }
});
process.exit(failed);
