/** A module whose init phase fails: its top level throws. */
class MissingConfig extends Error {
  constructor() {
    super('REPORT_BUCKET is not set');
    this.name = 'MissingConfig';
  }
}

throw new MissingConfig();
